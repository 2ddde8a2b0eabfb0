package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// editionsVocabulary is argsVocabulary with a hypervisor whose verbs
// differ by edition: mode takes the draft's or virtio-1.4's mode words,
// read is the draft's only.
func editionsVocabulary() *Vocabulary {
	v := argsVocabulary()
	host := ArgSpec{Name: "HOST", Positional: true, Kind: ArgWord, Values: []string{"src", "dst"}, Required: true}
	draft, v14 := []spec.Edition{spec.Draft2023}, []spec.Edition{spec.Virtio14}
	v.Hypervisor = VerbTable{
		{Name: "mode", Editions: draft, Args: []ArgSpec{host, {Name: "MODE", Positional: true, Kind: ArgWord, Values: []string{"active", "stop", "freeze"}, Required: true}}},
		{Name: "mode", Editions: v14, Args: []ArgSpec{host, {Name: "MODE", Positional: true, Kind: ArgWord, Values: []string{"running", "stopped"}, Required: true}}},
		{Name: "read", Editions: draft, Args: []ArgSpec{host, {Name: "chunk", Kind: ArgInt, Min: 1, Max: 8}}},
	}
	return v
}

// TestCheckUnderEditions: a program is checked under each edition it runs
// in, an edition the scenario expects only n/a under being none of them,
// also for that edition's own block (docs/scenarios.md, "Expectations");
// a problem found the same under every edition is reported once, one
// found under some only names its edition.
func TestCheckUnderEditions(t *testing.T) {
	const guest = "guest g\n  write count=1\n"
	for _, tc := range []struct {
		name, src string
		extra     spec.Edition
		want      []string
	}{
		{name: "n/a-only edition's block may use the other edition's words",
			src: guest + "hypervisor edition=virtio-1.4\n  mode src active\nexpect draft-2023 pass\nexpect virtio-1.4 n/a active\n"},
		{name: "a word no edition knows is still an error there",
			src:  guest + "hypervisor edition=virtio-1.4\n  mode src actve\nexpect draft-2023 pass\nexpect virtio-1.4 n/a active\n",
			want: []string{`7:12 mode: MODE "actve": want one of active, stop, freeze; did you mean active?`}},
		{name: "an edition with a row that runs checks its block",
			src:  guest + "hypervisor edition=virtio-1.4\n  mode src active\nexpect virtio-1.4 pass\nexpect virtio-1.4 stop-config-write=ignore n/a active\n",
			want: []string{`7:12 mode: MODE "active": want one of running, stopped`}},
		{name: "an edition without rows checks its block",
			src:  guest + "hypervisor edition=virtio-1.4\n  mode src active\nexpect draft-2023 pass\n",
			want: []string{`7:12 mode: MODE "active": want one of running, stopped`}},
		{name: "explore --spec of the n/a edition checks its block", extra: spec.Virtio14,
			src:  guest + "hypervisor edition=virtio-1.4\n  mode src active\nexpect draft-2023 pass\nexpect virtio-1.4 n/a active\n",
			want: []string{`7:12 mode: MODE "active": want one of running, stopped`}},
		{name: "a problem under both editions is reported once",
			src:  "guest g\n  write count=999 q=7\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n",
			want: []string{"5:9 write: count=999: want a number 1..256", "5:19 write: q=7: want a number 0..1 (the scenario has queues 2: 0..1)"}},
		{name: "problems that differ name their edition",
			src: guest + "hypervisor\n  mode src sideways\n  read src chunk=9\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n",
			want: []string{
				`7:12 mode: MODE "sideways": want one of active, stop, freeze (under draft-2023)`,
				`7:12 mode: MODE "sideways": want one of running, stopped (under virtio-1.4)`,
				"8:3 read: not a virtio-1.4 operation (draft-2023 has it); this hypervisor program runs under virtio-1.4 (give the block edition=, use that edition's verbs, or expect `virtio-1.4 n/a read` where the edition lacking it is the point)",
				"8:12 read: chunk=9: want a number 1..8 (under draft-2023)",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\nvfs 2\nqueues 2\n"+tc.src))
			require.NoError(t, err)
			err = CheckEdition(s, editionsVocabulary(), tc.extra)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, problems(t, err))
		})
	}
}
