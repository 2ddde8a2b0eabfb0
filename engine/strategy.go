package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Strategy names.
const (
	StrategyRandom = "random"
	StrategyPCT    = "pct"
	StrategyDFS    = "dfs"
	StrategyReplay = "replay"
)

// Strategies lists the strategy names in a stable order.
var Strategies = []string{StrategyRandom, StrategyPCT, StrategyDFS, StrategyReplay}

// ParseStrategy checks a strategy name.
func ParseStrategy(s string) (string, error) {
	if slices.Contains(Strategies, s) {
		return s, nil
	}
	return "", fmt.Errorf("engine: unknown strategy %q (want %s)", s, strings.Join(Strategies, ", "))
}

// Random picks uniformly among the enabled steps.
type Random struct {
	rng *rand.Rand
}

// NewRandom returns a uniform chooser drawing from rng (the run's schedule
// stream).
func NewRandom(rng *rand.Rand) *Random { return &Random{rng: rng} }

func (r *Random) footprintBlind() {}

// Choose picks uniformly; a single enabled step draws nothing.
func (r *Random) Choose(d *Decision) (int, error) {
	if len(d.Enabled) == 1 {
		return 0, nil
	}
	return r.rng.IntN(len(d.Enabled)), nil
}

// Default PCT parameters.
const (
	// DefaultPCTDepth is the bug depth d: d−1 priority change points.
	DefaultPCTDepth = 3
	// DefaultPCTSteps is the initial estimate of the run length k.
	DefaultPCTSteps = 100
)

// PCT is probabilistic concurrency testing (Burckhardt et al., ASPLOS
// 2010): every actor gets a random distinct priority when it first appears,
// d−1 change points are placed uniformly over the expected run length k,
// and the highest-priority enabled actor always runs. At the i-th change
// point the running actor drops to priority d−i, below every initial one.
// A bug of depth d is found with probability at least 1/(n·k^(d−1)).
type PCT struct {
	rng    *rand.Rand
	depth  int
	change []int
	next   int
	prio   []uint64
}

// NewPCT returns a PCT chooser for one run; depth < 1 means
// DefaultPCTDepth and k < 1 means DefaultPCTSteps.
func NewPCT(rng *rand.Rand, depth, k int) *PCT {
	if depth < 1 {
		depth = DefaultPCTDepth
	}
	if k < 1 {
		k = DefaultPCTSteps
	}
	p := &PCT{rng: rng, depth: depth, change: make([]int, depth-1)}
	for i := range p.change {
		p.change[i] = rng.IntN(k)
	}
	slices.Sort(p.change)
	return p
}

// ChangePoints returns the decision indices where priorities drop.
func (p *PCT) ChangePoints() []int { return slices.Clone(p.change) }

func (p *PCT) priority(actor int) uint64 {
	for actor >= len(p.prio) {
		p.prio = append(p.prio, 0)
	}
	if p.prio[actor] == 0 {
		p.prio[actor] = p.rng.Uint64() | 1<<63
	}
	return p.prio[actor]
}

func (p *PCT) highest(en []Step) int {
	best, bestPrio := 0, uint64(0)
	for i := range en {
		if pr := p.priority(en[i].Actor); pr > bestPrio || (pr == bestPrio && en[i].Actor < en[best].Actor) {
			best, bestPrio = i, pr
		}
	}
	return best
}

func (p *PCT) footprintBlind() {}

// Choose runs the highest-priority enabled actor, applying a change point
// first when one falls on this decision. Among the chosen actor's steps it
// picks uniformly.
func (p *PCT) Choose(d *Decision) (int, error) {
	i := p.highest(d.Enabled)
	for p.next < len(p.change) && p.change[p.next] <= d.Index {
		p.next++
		p.prio[d.Enabled[i].Actor] = uint64(p.depth - p.next)
		i = p.highest(d.Enabled)
	}
	actor := d.Enabled[i].Actor
	n := 0
	for j := i; j < len(d.Enabled); j++ {
		if d.Enabled[j].Actor == actor {
			n++
		}
	}
	if n == 1 {
		return i, nil
	}
	k := p.rng.IntN(n)
	for j := i; j < len(d.Enabled); j++ {
		if d.Enabled[j].Actor == actor {
			if k == 0 {
				return j, nil
			}
			k--
		}
	}
	return i, nil
}
