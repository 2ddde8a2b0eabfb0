package vocab

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

func TestParseVFList(t *testing.T) {
	cases := []struct {
		in   string
		want []int
		err  bool
	}{
		{"1-3,2,8", []int{1, 2, 3, 8}, false},
		{"4", []int{4}, false},
		{"0", nil, true},
		{"3-1", nil, true},
		{"9", nil, true},
		{"x", nil, true},
		{"8,1-8,1-8,8", []int{1, 2, 3, 4, 5, 6, 7, 8}, false},
		{"1-8,9", nil, true},
		{"1-8,", nil, true},
		{"", nil, true},
		{"1-2-3", nil, true},
		{"0x1-0x3,0b1000", []int{1, 2, 3, 8}, false}, // numbers as everywhere in a scenario
		{"01", nil, true},                            // a leading 0 is ambiguous
		{"99999999999999999999", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseVFList(tc.in, 8)
			if tc.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestVocabulary(t *testing.T) {
	v := Vocabulary()
	assert.Equal(t, Hosts, v.Hosts)
	assert.Equal(t, []string{HVActorName}, v.Reserved)
	assert.Equal(t, "blk", v.DefaultDriver)
	assert.NotSame(t, v, Vocabulary(), "a copy per call")
	d, ok := DriverFor(spec.PCIDeviceVirtioBlk)
	require.True(t, ok)
	n, ok := DriverNamed(d.Name)
	require.True(t, ok)
	assert.Equal(t, d.DeviceID, n.DeviceID)
	_, ok = DriverNamed("floppy")
	assert.False(t, ok)
	assert.Contains(t, ErrorNames(), "incompatible")
	for _, verb := range []string{"switchover", "mode", "vfio"} {
		assert.NotEmpty(t, HVVerbs.Lookup(verb, 0), verb)
	}
	assert.NotEmpty(t, PeerVerbs.Lookup("rx", 0), "peers run the wire's verbs")
}

// Every argument list names each argument once: scenario.Values looks an
// argument up by name, so a second one of the same name would be
// unreachable.
func TestVocabulary_ArgNamesUnique(t *testing.T) {
	v := Vocabulary()
	lists := map[string][]scenario.ArgSpec{"guest attributes": v.GuestAttrs, "peer attributes": v.PeerAttrs,
		"hypervisor attributes": v.HypervisorAttrs}
	tables := []scenario.VerbTable{v.GuestVerbs, v.Hypervisor, v.Peer}
	for _, d := range v.Drivers {
		tables = append(tables, d.Verbs)
	}
	n := 0
	for i, tb := range tables {
		for j, verb := range tb {
			lists[fmt.Sprintf("table %d verb %d (%s)", i, j, verb.Name)] = verb.Args
			n++
		}
	}
	assert.Greater(t, n, 50, "the verbs of every actor")
	for what, args := range lists {
		seen := map[string]bool{}
		for _, a := range args {
			assert.False(t, seen[a.Name], "%s: argument %s declared twice", what, a.Name)
			seen[a.Name] = true
		}
	}
}
