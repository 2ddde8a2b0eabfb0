package world_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// TestNotes_FunctionNotesNameTheirFunction: a function's note, kept
// unformatted during the run, reads "[step] host.function: text" once
// the notes are asked for.
func TestNotes_FunctionNotesNameTheirFunction(t *testing.T) {
	w := smokeWorlds(t, spec.Virtio14)()
	_, f := walk(w, 2000, func([]engine.Step) int { return 0 }, nil)
	require.Nil(t, f)
	fn := regexp.MustCompile(`^\[\d+\] (src|dst)\.(pf|vf\d+): \S`)
	var named int
	for _, n := range w.Notes() {
		require.Regexp(t, `^\[\d+\] \S`, n)
		if fn.MatchString(n) {
			named++
		}
	}
	assert.Positive(t, named, "the functions' notes name host and function: %v", w.Notes())
}
