package world

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// releasing is a reference member that records when it is built and
// released (member.Releaser), as an external device's proxy would tell its
// process.
type releasing struct {
	member.Device
	id  int
	log *[]string
}

func (r *releasing) Release() { *r.log = append(*r.log, fmt.Sprint("release ", r.id)) }

// TestCloseReleasesMembers: a world releases every member it built that is
// a member.Releaser, once, in the order they were built, when it is
// closed and not before — a member the owner dropped during the run (a PF
// FLR ends the SR-IOV group) included — so that what an external device's
// process is told depends on the run alone.
func TestCloseReleasesMembers(t *testing.T) {
	tests := []struct {
		name, text string
		// gone is set when the owner drops a member during the run.
		gone bool
	}{
		{"migration", "scenario r\nvfs 1\nguest vcpu0\n  probe\n  write sector=0 count=2 pattern=0xa1\n  read sector=0 count=2\n", false},
		{"two VFs", "scenario r\nvfs 2\nguest vcpu0 vf=1\n  probe\n  write sector=0 count=2 pattern=0xa1\nguest vcpu1 vf=2\n  probe\n  read sector=0 count=2\n", false},
		{"PF FLR", "scenario r\nvfs 1\nguest vcpu0\n  probe\n  write sector=0 count=2 pattern=0xb1\n  signal ready\n" +
			"peer fault\n  await ready\n  pf-flr src\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.ParseScenario("r.scn", []byte(tc.text))
			require.NoError(t, err)
			for _, ed := range spec.Editions {
				var log []string
				built := 0
				factory := func(c member.Config) member.Device {
					built++
					log = append(log, fmt.Sprint("build ", built))
					return &releasing{Device: blk.New(c), id: built, log: &log}
				}
				var w *World
				_, err := engine.Run(func(st engine.Streams) (engine.System, error) {
					var err error
					w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Factory: factory}, st)
					return w, err
				}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
				require.NoError(t, err)
				require.GreaterOrEqual(t, built, 2, "%s: the run builds a source and a destination member", ed)
				held := 0
				for _, h := range w.hosts {
					for range h.pf.Members() {
						held++
					}
				}
				assert.Equal(t, tc.gone, held < built, "%s: %d of %d members left in the owners' tables", ed, held, built)
				var want []string
				for i := 1; i <= built; i++ {
					want = append(want, fmt.Sprint("build ", i))
				}
				for i := 1; i <= built; i++ {
					want = append(want, fmt.Sprint("release ", i))
				}
				assert.Equal(t, want, log, "%s: built, then released when the world closed", ed)
				w.Close()
				assert.Len(t, log, 2*built, "%s: closed again, nothing released again", ed)
			}
		})
	}
}
