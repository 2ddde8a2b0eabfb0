package world

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// assertDisjoint checks that no two regions of different plans, and no two
// regions of one plan, overlap.
func assertDisjoint(t *testing.T, plans []guest.MemoryPlan) {
	t.Helper()
	type owned struct {
		r    guest.Region
		name string
	}
	var all []owned
	for i, p := range plans {
		for j, r := range p.Regions() {
			all = append(all, owned{r, fmt.Sprintf("plan %d region %d", i, j)})
		}
	}
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			assert.False(t, all[i].r.Overlaps(all[j].r), "%s %s overlaps %s %s", all[i].name, all[i].r, all[j].name, all[j].r)
		}
	}
}

// dmaLog is a member factory wrapper that records, per VF, every guest
// memory access its device makes.
type dmaLog struct {
	acc map[int][]guest.Region
}

type loggingPort struct {
	pcie.MemoryPort
	log *dmaLog
	vf  int
}

func (p loggingPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	p.log.acc[p.vf] = append(p.log.acc[p.vf], guest.Region{Base: addr, Size: uint64(len(buf))})
	return p.MemoryPort.ReadMem(rid, addr, buf)
}

func (p loggingPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	p.log.acc[p.vf] = append(p.log.acc[p.vf], guest.Region{Base: addr, Size: uint64(len(data))})
	return p.MemoryPort.WriteMem(rid, addr, data)
}

func (l *dmaLog) factory(c member.Config) member.Device {
	c.Mem = loggingPort{MemoryPort: c.Mem, log: l, vf: c.VF}
	return blk.New(c)
}

// TestGuestsDMAOnlyIntoTheirOwnMemory runs N guests on N VFs with M queues
// each, migrated together: every guest driver gets a disjoint plan and
// every device DMA lands inside the plan of the guest bound to that VF.
func TestGuestsDMAOnlyIntoTheirOwnMemory(t *testing.T) {
	const guests, queues = 3, 2
	var b strings.Builder
	fmt.Fprintf(&b, "scenario dma-owners\nvfs %d\nqueues %d\n", guests, queues)
	for g := 1; g <= guests; g++ {
		fmt.Fprintf(&b, "guest vcpu%d vf=%d\n  probe\n", g, g)
		for q := 0; q < queues; q++ {
			fmt.Fprintf(&b, "  write sector=%d count=2 pattern=0x%x q=%d\n  read sector=%d count=2 q=%d\n", 100*g+10*q, 16*g+q, q, 100*g+10*q, q)
		}
	}
	s, err := scenario.ParseScenario("dma-owners.scn", []byte(b.String()))
	require.NoError(t, err)
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			log := &dmaLog{acc: map[int][]guest.Region{}}
			var w *World
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				var err error
				w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Factory: log.factory}, st)
				return w, err
			}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
			require.NoError(t, err)
			require.Nil(t, res.Finding)
			require.Len(t, w.guests, guests)
			var plans []guest.MemoryPlan
			for _, g := range w.guests {
				plans = append(plans, g.drv.Plan())
			}
			assertDisjoint(t, plans)
			for _, g := range w.guests {
				require.NotEmpty(t, log.acc[g.vf], "vf%d did DMA", g.vf)
				for _, a := range log.acc[g.vf] {
					inside := false
					for _, r := range g.drv.Plan().Regions() {
						inside = inside || r.Contains(a.Base, a.Size)
					}
					assert.True(t, inside, "vf%d accessed %s outside %s's memory", g.vf, a, g.name)
				}
			}
			for _, l := range w.GuestLog() {
				assert.NotContains(t, l, "FAIL")
			}
		})
	}
}
