package trace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
)

// notes returns n note events of step on host's PF.
func notes(step, n int, host string) []record.TraceEvent {
	out := make([]record.TraceEvent, n)
	for i := range out {
		out[i] = record.TraceEvent{Step: step, Kind: record.TraceNote, Host: host, Target: "pf", Text: "boot"}
	}
	return out
}

func cat(parts ...[]record.TraceEvent) []record.TraceEvent {
	var out []record.TraceEvent
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// A crowded step's events on hosts the finding does not involve are
// counted on one line, after the step's other events; a step of at most
// crowdedStep events, an event of no host and a finding that names no
// function keep every event.
func TestCollapseElsewhere(t *testing.T) {
	onSrc := &engine.Finding{Oracle: "frozen-context", Actors: []string{"hv", "src.vf1", "vcpu0"}}
	noFunc := &engine.Finding{Oracle: "transparent", Actors: []string{"vcpu0"}}
	hvNote := record.TraceEvent{Step: 9, Kind: record.TraceNote, From: "hv", To: "hv", Text: "flow"}
	for _, tc := range []struct {
		name      string
		events    []record.TraceEvent
		f         *engine.Finding
		kept      int
		collapsed []string // the count lines, in order
	}{
		{"crowded step: dst's events counted", cat(notes(8, 2, "src"), notes(9, 3, "src"), notes(9, 10, "dst"), notes(10, 1, "src")), onSrc,
			6, []string{"9 … 10 more events on dst (10 note), none on src, the finding's host: in the pcapng file"}},
		{"crowded step of dst's events alone", cat(notes(9, 13, "dst")), onSrc,
			0, []string{"9 … 13 events on dst (13 note), none on src, the finding's host: in the pcapng file"}},
		{"at the limit: every event", cat(notes(9, 2, "src"), notes(9, crowdedStep-2, "dst")), onSrc, crowdedStep, nil},
		{"an event of no host stays", cat(notes(9, 12, "dst"), []record.TraceEvent{hvNote}), onSrc,
			1, []string{"9 … 12 more events on dst (12 note), none on src, the finding's host: in the pcapng file"}},
		{"a finding naming no function: every event", cat(notes(9, 20, "dst")), noFunc, 20, nil},
		{"no finding: every event", cat(notes(9, 20, "dst")), nil, 20, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep, lines := collapseElsewhere(tc.events, tc.f)
			assert.Len(t, keep, tc.kept)
			var counted []string
			for _, l := range lines {
				if strings.Contains(l, " … ") {
					counted = append(counted, l)
				}
			}
			assert.Equal(t, tc.collapsed, counted)
			assert.Len(t, lines, tc.kept+len(tc.collapsed))
		})
	}
}

// The count line follows the kept events of its step and precedes the
// next step's.
func TestCollapseElsewhere_LineInPlace(t *testing.T) {
	f := &engine.Finding{Oracle: "frozen-context", Actors: []string{"src.vf1"}}
	_, lines := collapseElsewhere(cat(notes(9, 1, "src"), notes(9, 13, "dst"), notes(10, 1, "src")), f)
	if assert.Len(t, lines, 3) {
		assert.True(t, strings.HasPrefix(lines[0], "9 "), lines[0])
		assert.True(t, strings.HasPrefix(lines[1], "9 … 13 more events on dst"), lines[1])
		assert.True(t, strings.HasPrefix(lines[2], "10 "), lines[2])
	}
}
