package world_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// memberCount is a memberwise event oracle that counts the members the
// passes of PF events hold; it reports nothing.
type memberCount struct{ n *int }

func (memberCount) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "count-members", Doc: "counts the members of PF events' passes"}
}
func (c memberCount) CheckEvent(p *observe.EventPass) {
	if p.Target == owner.TargetPF {
		*c.n += len(p.Members)
	}
}
func (memberCount) PerEvent()   {}
func (memberCount) Memberwise() {}

// everyMember is an event oracle that is no observe.MemberwiseOracle: with
// it, every PF event's pass holds every member. It reports nothing.
type everyMember struct{}

func (everyMember) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "every-member", Doc: "asks for every member on every PF event"}
}
func (everyMember) CheckEvent(*observe.EventPass) {}
func (everyMember) PerEvent()                     {}

// pureLiar is member.Pure and reports Active while it is quiesced, on VF
// 2 only: the self-report oracle must catch it at the same step whether
// or not the passes leave unchanged members out.
type pureLiar struct {
	member.Device
	vf int
}

func (d pureLiar) PureQueries() {}

func (d pureLiar) Status() member.Status {
	s := d.Device.Status()
	if d.vf == 2 && s.Mode.Quiesced() {
		s.Mode = spec.ModeActive
	}
	return s
}

// vmVFs is one guest on VF 1 of a VM of n VFs: the flow stops, reads and
// moves every member while only VF 1 does I/O.
func vmVFs(n int) string {
	return fmt.Sprintf("scenario vm-%d-vfs\nvfs 8\nset vm-vfs=1-%d\n\nguest vcpu0 vf=1\n  probe\n"+
		"  write sector=0 count=2 pattern=0xc1\n  read sector=0 count=2\n", n, n)
}

// TestLazyPasses_SameVerdicts: the passes of PF events leave out the
// members that did not handle the event and that an earlier pass showed
// as they are (oracle_members.go), and every run ends as it does when
// every pass holds every member (an event oracle that is not memberwise
// asks for them): every finding, its step and message, every end state
// and guest log, under random schedules and under a dfs search that
// leaves out the checks of the steps it replays; a pure member that lies
// about its mode is caught at the same step. The lazy passes hold fewer
// members where the VM has several.
func TestLazyPasses_SameVerdicts(t *testing.T) {
	rows := []struct {
		name     string
		scenario string // a catalog scenario, or vmVFs(4) when empty
		ed       spec.Edition
		knobs    []string
		strategy string
		runs     int
		liar     bool
	}{
		{"vm-4-vfs", "", spec.Draft2023, nil, engine.StrategyRandom, 60, false},
		{"vm-4-vfs", "", spec.Virtio14, nil, engine.StrategyRandom, 60, false},
		{"vm-4-vfs/liar", "", spec.Draft2023, nil, engine.StrategyRandom, 60, true},
		{"vm-4-vfs/liar", "", spec.Virtio14, nil, engine.StrategyDFS, 60, true},
		{"vm-4-vfs/dfs", "", spec.Draft2023, nil, engine.StrategyDFS, 150, false},
		{"flr-during-freeze", "flr-during-freeze", spec.Draft2023, nil, engine.StrategyRandom, 100, false},
		{"pf-flr-with-admin-outstanding", "pf-flr-with-admin-outstanding", spec.Virtio14, nil, engine.StrategyRandom, 100, false},
		{"reset-racing-stop", "reset-racing-stop", spec.Virtio14, []string{"reset-vs-mode=reply-on-start"}, engine.StrategyRandom, 100, false},
	}
	if testing.Short() {
		rows = rows[:3]
	}
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/%s", row.name, row.ed), func(t *testing.T) {
			search := func(full bool) (runs []string, members, failing int) {
				s, err := catalog.LoadScenario("vm4vfs.scn", []byte(vmVFs(4)))
				if row.scenario != "" {
					s, err = catalog.CatalogScenario(row.scenario)
				}
				require.NoError(t, err)
				tg, err := catalog.NewTarget(s, row.ed, row.knobs, nil)
				require.NoError(t, err)
				tg.Oracles = append(oracle.All(), memberCount{&members})
				if full {
					tg.Oracles = append(tg.Oracles, everyMember{})
				}
				if row.liar {
					tg.Member = func(c member.Config) member.Device { return pureLiar{Device: blk.New(c), vf: c.VF} }
				}
				f, err := tg.Factory(engine.ScheduleSeed(1, 0))
				require.NoError(t, err)
				logged := func(st engine.Streams) (engine.System, error) {
					sys, err := f(st)
					if err != nil {
						return nil, err
					}
					return &runLog{World: sys.(*world.World), out: &runs}, nil
				}
				sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: logged, Strategy: row.strategy,
					Bound: 2, Reduction: engine.ReductionSleep, Schedules: row.runs, Seed: 1, Jobs: 1,
					MaxSteps: catalog.DefaultJudgeMaxSteps})
				require.NoError(t, err)
				return runs, members, sum.Failing
			}
			fullRuns, fullMembers, fullFailing := search(true)
			lazyRuns, lazyMembers, lazyFailing := search(false)
			require.NotEmpty(t, fullRuns)
			assert.Equal(t, fullRuns, lazyRuns, "every run ends the same way")
			assert.Equal(t, fullFailing, lazyFailing)
			if row.liar {
				assert.Positive(t, lazyFailing, "the lying member is caught")
			}
			if row.scenario == "" {
				assert.Less(t, lazyMembers, fullMembers, "the lazy passes hold fewer members")
			} else {
				assert.LessOrEqual(t, lazyMembers, fullMembers, "a lazy pass holds no member a full one does not")
			}
			t.Logf("%d findings; members shown to PF events' passes: %d lazy, %d full", lazyFailing, lazyMembers, fullMembers)
		})
	}
}
