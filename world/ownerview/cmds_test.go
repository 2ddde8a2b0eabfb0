package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// draftModeSet is the draft's DEV_MODE_SET of member vf to mode m, as the
// owner driver sends it (the mode in the first of eight data bytes).
func draftModeSet(vf uint64, m spec.Mode) adminq.Command {
	return adminq.Command{Opcode: uint16(spec.DraftOpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{byte(m), 0, 0, 0, 0, 0, 0, 0}}
}

// recordStep is one thing that happens to a record in a table test: a
// command submitted or completed, a configuration write, time passing.
type recordStep func(r *Record, now *engine.VTime)

// replayRecord is a new record under edition ed with knobs, after steps,
// each given the record's clock; false (the test failed) when the knobs
// do not parse.
func replayRecord(t *testing.T, ed spec.Edition, knobs []string, steps []recordStep) (*Record, bool) {
	t.Helper()
	rules, err := spec.ParseRules(ed, knobs)
	if !assert.NoError(t, err) {
		return nil, false
	}
	var now engine.VTime
	r := NewRecord(rulesEnv{movingEnv{testEnv{ed}, &now}, rules})
	for _, s := range steps {
		s(r, &now)
	}
	return r, true
}
