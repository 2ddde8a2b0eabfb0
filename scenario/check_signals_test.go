package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// signalsVocabulary is editionsVocabulary with await and signal for
// every actor and the hv-await setting.
func signalsVocabulary() *Vocabulary {
	v := editionsVocabulary()
	name := []ArgSpec{{Name: "NAME", Positional: true, Kind: ArgName, Required: true}}
	sync := VerbTable{{Name: "await", Args: name}, {Name: "signal", Args: name}}
	v.GuestVerbs = append(v.GuestVerbs, sync...)
	v.Hypervisor = append(v.Hypervisor, sync...)
	v.Peer = append(v.Peer, sync...)
	v.Settings = append(v.Settings, SettingSpec{Key: "hv-await", Arg: ArgSpec{Kind: ArgName}})
	return v
}

// TestCheckSignalsUnderEditions: an await is answered only by a signal of
// a program that runs under the same edition; it is checked under each
// edition the scenario runs under that its program runs under, as are the
// default flow's hv-await (under the editions without a hypervisor
// program) and a row's set:hv-await (under the row's edition).
func TestCheckSignalsUnderEditions(t *testing.T) {
	const peer = "peer p\n  await moved\n"
	const draftHV = "hypervisor edition=draft-2023\n  mode src stop\n  signal moved\n"
	for _, tc := range []struct {
		name, src string
		extra     spec.Edition
		want      []string
	}{
		{name: "signalled only by the other edition's block",
			src:  peer + draftHV + "hypervisor edition=virtio-1.4\n  mode src stopped\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n",
			want: []string{"5:9 await moved: no actor signals it under virtio-1.4 (signals under virtio-1.4: none; the hypervisor program for draft-2023 signals it at line 8)"}},
		{name: "each edition's block signals it",
			src: peer + draftHV + "hypervisor edition=virtio-1.4\n  mode src stopped\n  signal moved\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n"},
		{name: "an edition that does not run is not checked",
			src: peer + draftHV + "expect draft-2023 pass\nexpect virtio-1.4 n/a stop\n"},
		{name: "explore --spec of that edition checks it", extra: spec.Virtio14,
			src:  peer + draftHV + "expect draft-2023 pass\nexpect virtio-1.4 n/a stop\n",
			want: []string{"5:9 await moved: no actor signals it under virtio-1.4 (signals under virtio-1.4: none; the hypervisor program for draft-2023 signals it at line 8)"}},
		{name: "an awaiting block of one edition needs a signal under it only",
			src: "peer p edition=draft-2023\n  await moved\n" + draftHV + "hypervisor edition=virtio-1.4\n  mode src stopped\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n"},
		{name: "nobody signals it",
			src:  peer + "expect draft-2023 pass\n",
			want: []string{"5:9 await moved: no actor signals moved (signals: none)"}},
		{name: "hv-await of the default flow, signalled by the other edition's peer",
			src:  "set hv-await=go\npeer p edition=draft-2023\n  signal go\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n",
			want: []string{"4:5 set hv-await: go: no actor signals it under virtio-1.4 (signals under virtio-1.4: none; the peer p program for draft-2023 signals it at line 6)"}},
		{name: "hv-await where the edition has its own flow is not the default flow's",
			src: "set hv-await=go\npeer p edition=draft-2023\n  signal go\nhypervisor edition=virtio-1.4\n  mode src stopped\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n"},
		{name: "a row's set:hv-await under its edition",
			src:  "peer p edition=draft-2023\n  signal go\nexpect draft-2023 set:hv-await=go pass\nexpect virtio-1.4 set:hv-await=go pass\n",
			want: []string{"7:23 expect: set:hv-await=go: no actor signals it under virtio-1.4 (the peer p program for draft-2023 signals it at line 5)"}},
		{name: "a row's set:hv-await nobody signals, with the names there are",
			src:  "peer p\n  signal go\nexpect draft-2023 set:hv-await=gp pass\n",
			want: []string{"6:23 expect: set:hv-await=gp: no actor signals gp (signals: go); did you mean go?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\nvfs 2\nqueues 2\n"+tc.src))
			require.NoError(t, err)
			err = CheckEdition(s, signalsVocabulary(), tc.extra)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, problems(t, err))
		})
	}
}

// TestCheckAwaitCycles: awaits that no schedule gets past (each actor of
// a cycle awaiting what another signals only after its own await) are a
// problem at each blocked await, naming every blocked program; an order
// some schedule completes is not, nor a cycle under an edition that does
// not run, and a cycle under one edition only says which.
func TestCheckAwaitCycles(t *testing.T) {
	const cycle = "guest g\n  await b\n  signal a\npeer p\n  await a\n  signal b\n"
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{name: "a cycle of two",
			src: cycle + "expect draft-2023 pass\n",
			want: []string{
				"5:9 await b: no schedule gets past it, the scenario's awaits deadlock: guest g blocked at line 5 (await b); peer p blocked at line 8 (await a)",
				"8:9 await a: no schedule gets past it, the scenario's awaits deadlock: guest g blocked at line 5 (await b); peer p blocked at line 8 (await a)",
			}},
		{name: "the same names in an order that completes",
			src: "guest g\n  signal a\n  await b\npeer p\n  await a\n  signal b\nexpect draft-2023 pass\n"},
		{name: "a second signaller breaks the cycle",
			src: cycle + "peer q\n  signal b\nexpect draft-2023 pass\n"},
		{name: "a chain behind a cycle names the chained actor too",
			src: cycle + "peer q\n  await b\n  signal c\nexpect draft-2023 pass\n",
			want: []string{
				"5:9 await b: no schedule gets past it, the scenario's awaits deadlock: guest g blocked at line 5 (await b); peer p blocked at line 8 (await a); peer q blocked at line 11 (await b)",
				"8:9 await a: no schedule gets past it, the scenario's awaits deadlock: guest g blocked at line 5 (await b); peer p blocked at line 8 (await a); peer q blocked at line 11 (await b)",
				"11:9 await b: no schedule gets past it, the scenario's awaits deadlock: guest g blocked at line 5 (await b); peer p blocked at line 8 (await a); peer q blocked at line 11 (await b)",
			}},
		{name: "broken under one edition only",
			src: cycle + "peer q edition=virtio-1.4\n  signal b\nexpect draft-2023 pass\nexpect virtio-1.4 pass\n",
			want: []string{
				"5:9 await b: no schedule gets past it, the scenario's awaits deadlock: guest g blocked at line 5 (await b); peer p blocked at line 8 (await a) (under draft-2023)",
				"8:9 await a: no schedule gets past it, the scenario's awaits deadlock: guest g blocked at line 5 (await b); peer p blocked at line 8 (await a) (under draft-2023)",
			}},
		{name: "an edition that does not run is not checked",
			src: cycle + "peer q edition=virtio-1.4\n  signal b\nexpect draft-2023 n/a stop\nexpect virtio-1.4 pass\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\nvfs 2\nqueues 2\n"+tc.src))
			require.NoError(t, err)
			err = Check(s, signalsVocabulary())
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, problems(t, err))
		})
	}
}
