package trace

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
)

// crowdedStep is the number of events above which a step's events on
// hosts the finding does not involve are summarised in a report's step
// list instead of listed: a hypervisor step that boots the destination
// inline records sixty TLPs, admin commands and notes of a host the
// finding never reached.
const crowdedStep = 12

// elsewhere is what a report's step list leaves out of one crowded step:
// its events on hosts the finding does not involve, counted by kind.
type elsewhere struct {
	step   int
	n      int
	hosts  []string
	byKind map[record.TraceKind]int
}

// findingHosts returns the hosts of the functions among the finding's
// actors (src of src.vf1), sorted; none when no function is among them.
func findingHosts(f *engine.Finding) []string {
	if f == nil {
		return nil
	}
	var hosts []string
	for _, a := range f.Actors {
		if h, _, ok := strings.Cut(a, "."); ok && !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	return hosts
}

// collapseElsewhere returns the events of sel to list, in order, and the
// step list's lines: each kept event described, and where a step of more
// than crowdedStep events had events on other hosts than the finding's,
// one line after its kept events that counts them instead. A finding whose
// actors name no function keeps every event.
func collapseElsewhere(sel []record.TraceEvent, f *engine.Finding) ([]record.TraceEvent, []string) {
	hosts := findingHosts(f)
	perStep := map[int]int{}
	for i := range sel {
		perStep[sel[i].Step]++
	}
	var keep []record.TraceEvent
	var lines []string
	var x *elsewhere
	flush := func() {
		if x != nil {
			lines = append(lines, x.line(hosts, perStep[x.step] > x.n))
			x = nil
		}
	}
	for i := range sel {
		e := &sel[i]
		if x != nil && x.step != e.Step {
			flush()
		}
		if len(hosts) == 0 || perStep[e.Step] <= crowdedStep || e.Host == "" || slices.Contains(hosts, e.Host) {
			keep = append(keep, *e)
			rec := RecordOf(*e)
			lines = append(lines, DescribeRecord(&rec))
			continue
		}
		if x == nil {
			x = &elsewhere{step: e.Step, byKind: map[record.TraceKind]int{}}
		}
		x.n++
		x.byKind[e.Kind]++
		if !slices.Contains(x.hosts, e.Host) {
			x.hosts = append(x.hosts, e.Host)
		}
	}
	flush()
	return keep, lines
}

// line renders what was left out of its step, where the step's events
// are listed: "98 … 63 events on dst (54 tlp, 2 step, …), none on src,
// the finding's host: in the pcapng file" ("more events" after some of
// the step's listed).
func (x *elsewhere) line(findingHosts []string, more bool) string {
	var kinds []string
	for k := record.TraceTLP; k <= record.TraceState; k++ {
		if n := x.byKind[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
		}
	}
	host := "host"
	if len(findingHosts) > 1 {
		host = "hosts"
	}
	events := "events"
	if more {
		events = "more events"
	}
	return fmt.Sprintf("%d … %d %s on %s (%s), none on %s, the finding's %s: in the pcapng file",
		x.step, x.n, events, strings.Join(x.hosts, ", "), strings.Join(kinds, ", "), strings.Join(findingHosts, ", "), host)
}

// eventsIntro says which events of the listed steps the step list gives.
func eventsIntro(collapsed bool, f *engine.Finding) string {
	if !collapsed {
		return "Every recorded event of each; the full trace is in the pcapng file."
	}
	return fmt.Sprintf("Every recorded event of each, but in a step of more than %d events those on hosts "+
		"the finding does not involve (it involves %s), which a line of the step counts instead; "+
		"the full trace is in the pcapng file.", crowdedStep, strings.Join(findingHosts(f), ", "))
}
