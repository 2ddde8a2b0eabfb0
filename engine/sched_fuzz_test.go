package engine

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fuzzRacy = flag.Bool("engine.racy", false,
	"FuzzSchedule: drive the racy toy (read-compute-write increments) instead of the locked one, so the fuzzer finds the lost update")

// fuzzScheduleOnce runs a toy under the byte-driven chooser and returns an
// error carrying the replayable choice list when the run ends in a finding.
func fuzzScheduleOnce(data []byte, racy bool) error {
	cfg := toyConfig{racers: 2, incs: 2, computes: 2, noise: 2}
	cfg.locked = !racy
	res, err := Run(cfg.factory(), 1, NewBytes(data), RunConfig{MaxSteps: 1000})
	if err != nil {
		return err
	}
	if res.Finding == nil {
		return nil
	}
	var idx []string
	for _, c := range res.Choices {
		idx = append(idx, fmt.Sprint(c.Index))
	}
	return fmt.Errorf("%s at step %d: %s\nreplay with NewReplay of the choices (index label):\n%schoice indices: [%s]",
		res.Finding.Oracle, res.Finding.Step, res.Finding.Message, choiceLabels(res.Choices), strings.Join(idx, " "))
}

// FuzzSchedule lets the fuzzer pick the schedule: input byte i picks among
// the enabled steps at decision i. The default system is race-free; run
//
//	go test ./engine -run '^$' -fuzz FuzzSchedule -engine.racy
//
// to let it find (and minimise, as corpus under testdata/fuzz) the lost
// update of the racy toy. A failure prints the replayable choice list.
func FuzzSchedule(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{2, 2, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := fuzzScheduleOnce(data, *fuzzRacy); err != nil {
			t.Fatal(err)
		}
	})
}

// The fuzz body reports the race of the racy toy with a replayable choice
// list, a short byte string reaches it, and the locked toy never fails.
func TestFuzzSchedule_Body(t *testing.T) {
	var found []byte
	for a := byte(0); a < 3 && found == nil; a++ {
		for b := byte(0); b < 3 && found == nil; b++ {
			if fuzzScheduleOnce([]byte{a, b}, true) != nil {
				found = []byte{a, b}
			}
		}
	}
	require.NotNil(t, found, "no two-byte input races")
	err := fuzzScheduleOnce(found, true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "lost-update at step")
	assert.Contains(t, err.Error(), "choice indices: [")
	assert.Contains(t, err.Error(), "0:0 racer0:read counter")
	assert.NoError(t, fuzzScheduleOnce(found, false))
	for _, in := range [][]byte{nil, {0, 0, 0, 0}, {2, 2, 2}} {
		assert.NoError(t, fuzzScheduleOnce(in, true), "seed corpus input %v races", in)
	}
}
