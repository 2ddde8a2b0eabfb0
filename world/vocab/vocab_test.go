package vocab

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
