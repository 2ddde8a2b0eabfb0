package replayverdict

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
)

// The first step where a run leaves the recording: a different actor or
// label, or a run that ends first; the recording's length when every
// recorded step was taken.
func TestDivergedAt(t *testing.T) {
	rec := []engine.Choice{{Actor: 0, Label: "a"}, {Actor: 1, Label: "b"}, {Actor: 0, Label: "c"}}
	for _, tc := range []struct {
		name string
		got  []engine.Choice
		want int
	}{
		{"the same", rec, 3},
		{"longer", append(append([]engine.Choice{}, rec...), engine.Choice{Actor: 2, Label: "d"}), 3},
		{"another label", []engine.Choice{rec[0], {Actor: 1, Label: "x"}, rec[2]}, 1},
		{"another actor", []engine.Choice{{Actor: 1, Label: "a"}}, 0},
		{"shorter", rec[:2], 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, divergedAt(rec, tc.got))
		})
	}
}

// A strict replay's error decides the verdict before any lenient replay:
// the device's protocol error is its own, a divergence of a schedule
// without a finding does not replay, another error is the input's; a
// replay that ran to its end is a finding or a fix.
func TestJudge_Strict(t *testing.T) {
	dev := conformance.FactoryDevice("builtin:blk", nil)
	noFinding := &schedfile.Schedule{}
	xe := &extdevice.Error{Command: "./dev", Request: "hello (request 1)", What: "the device closed its output"}
	fd := &engine.Finding{Oracle: "frozen-context", Step: 3, Message: "changed", Reqs: []string{"DRAFT-FRZ-02"}}
	for _, tc := range []struct {
		name    string
		r       conformance.Replayed
		err     error
		kind    Kind
		message string
		stdout  string
	}{
		{"the device's error", conformance.Replayed{}, fmt.Errorf("replay: %w", xe), DeviceError, "f.json with builtin:blk: the device broke the protocol: ./dev: hello (request 1): the device closed its output", ""},
		{"diverged without a recorded finding", conformance.Replayed{}, fmt.Errorf("at step 2: %w", engine.ErrDiverged), DoesNotReplay,
			"f.json does not replay with builtin:blk: at step 2: " + engine.ErrDiverged.Error(), ""},
		{"another error", conformance.Replayed{}, errors.New("no such scenario"), InputError, "no such scenario", ""},
		{"a finding", conformance.Replayed{Result: engine.Result{Choices: make([]engine.Choice, 4), Finding: fd}}, nil, Failing, "",
			"replay f.json with builtin:blk: 4 steps\nfinding frozen-context at step 4: changed\n  requirements: involved DRAFT-FRZ-02\n"},
		{"a charged finding", conformance.Replayed{Result: engine.Result{Choices: make([]engine.Choice, 4), Finding: fd},
			Charge: &conformance.Charge{Charged: []string{"DP-DEV-08"}, Involved: []string{"DP-DEV-09", "DP-DEV-11"}, By: "by the first difference: a configuration read"}}, nil, Failing, "",
			"replay f.json with builtin:blk: 4 steps\nfinding frozen-context at step 4: changed\n  charged: DP-DEV-08\n" +
				"  charged by the first difference: a configuration read\n  involved, not charged: DP-DEV-09 DP-DEV-11\n"},
		{"no finding", conformance.Replayed{Result: engine.Result{Choices: make([]engine.Choice, 1)}}, nil, Fixed, "",
			"replay f.json with builtin:blk: 1 step\nno finding\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			v := Judge(context.Background(), dev, "f.json", noFinding, tc.r, tc.err, &out)
			assert.Equal(t, tc.kind, v.Kind)
			assert.Equal(t, tc.message, v.Message)
			assert.Equal(t, tc.stdout, out.String())
			if tc.kind == DeviceError || tc.kind == InputError || tc.kind == DoesNotReplay {
				assert.ErrorIs(t, v.Err, tc.err)
			}
		})
	}
}
