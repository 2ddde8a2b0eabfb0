package trace

import (
	"fmt"
	"strconv"
	"strings"
)

// laneGroup is a run of lanes of consecutive VFs of one host that go
// through the same states in the same order, each at its own steps (a VM
// of many VFs moved one VF after another): the timeline draws it as one
// lane. A group of one lane is that lane.
type laneGroup struct {
	Lanes []ModeLane
}

// foldLanes groups lanes, in their order, into laneGroups; a run shorter
// than minArcRun stays single lanes.
func foldLanes(lanes []ModeLane) []laneGroup {
	var out []laneGroup
	for i := 0; i < len(lanes); {
		j := i + 1
		for j < len(lanes) && sameStatesNextVF(lanes[j-1], lanes[j]) {
			j++
		}
		if j-i < minArcRun {
			j = i + 1
		}
		out = append(out, laneGroup{Lanes: lanes[i:j]})
		i = j
	}
	return out
}

// sameStatesNextVF reports whether lane b is the next VF of a's host and
// goes through the same states in the same order.
func sameStatesNextVF(a, b ModeLane) bool {
	ha, va, ok := vfOf(a.Function)
	hb, vb, okb := vfOf(b.Function)
	if !ok || !okb || ha != hb || vb != va+1 || len(a.Spans) != len(b.Spans) {
		return false
	}
	for k := range a.Spans {
		if a.Spans[k].State != b.Spans[k].State {
			return false
		}
	}
	return true
}

// Function names the group: "src.vf1", "src.vf1-vf64".
func (g laneGroup) Function() string {
	first, last := g.Lanes[0].Function, g.Lanes[len(g.Lanes)-1].Function
	if len(g.Lanes) == 1 {
		return first
	}
	_, vf, _ := vfOf(last)
	return fmt.Sprintf("%s-vf%d", first, vf)
}

// letterAt is the group's column at step at: the state's letter when every
// lane of the group is in the same state there, else foldedLetter.
func (g laneGroup) letterAt(at int, letter func(ModeSpan) byte) byte {
	var c byte
	for _, l := range g.Lanes {
		for _, s := range l.Spans {
			if at >= s.From && at < s.To {
				switch lc := letter(s); {
				case c == 0:
					c = lc
				case c != lc:
					return foldedLetter
				}
			}
		}
	}
	return c
}

// foldedLetter marks a column in which the lanes of a group are in
// different states: some VFs of the run have changed, others not yet.
const foldedLetter = '~'

// spansText renders a lane's spans exactly: "0-62 Active · 63 Stop".
func spansText(l ModeLane, name func(ModeSpan) string) string {
	var parts []string
	for _, s := range l.Spans {
		r := strconv.Itoa(s.From)
		if s.To-1 > s.From {
			r += "-" + strconv.Itoa(s.To-1)
		}
		parts = append(parts, r+" "+name(s))
	}
	return strings.Join(parts, " · ")
}

// Bounds returns, for the k-th state of the group's lanes, the first step
// any lane is in it and the step after the last: the window the group
// spends in it, overlapping the next state's while its VFs change.
func (g laneGroup) Bounds(k int) (from, to int) {
	from, to = g.Lanes[0].Spans[k].From, g.Lanes[0].Spans[k].To
	for _, l := range g.Lanes[1:] {
		from, to = min(from, l.Spans[k].From), max(to, l.Spans[k].To)
	}
	return from, to
}
