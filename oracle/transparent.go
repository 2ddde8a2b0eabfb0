package oracle

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/world/observe"
)

// Transparent is the transparent oracle: the guest cannot tell it moved.
var Transparent observe.FinishOracle = transparent{}

type transparent struct{}

var transparentInfo = observe.OracleInfo{
	Name: "transparent",
	Doc:  "the guest cannot tell it moved: its log matches the run without migration",
	Reqs: []string{"DRAFT-STOP-03", "DRAFT-CTX-01", "DP-DEV-09", "DP-DEV-10"},
	Observes: "the guest's own log (every request's status and the data read back, config values, the final " +
		"device status, requests that never completed) and what peer devices of the VM read from its VFs, " +
		"against the run without migration; a finding names who can tell (the guest, or the peer whose read differs) and what: " +
		"that the guest moved, or, when the VM ends on the host it started on (a migration cancelled before the switchover, " +
		"the source resumed where it was), only that a migration was attempted; a finding blames the hypervisor for the first vCPU " +
		"access, or posted write landing, on a member the host's record says it froze or stopped, else for the first mistake " +
		"of its flow (package world/flowblame): a switchover to a copy of the VM's memory made while a vCPU ran or a VF of " +
		"the VM was not stopped, a destination VF run before the switchover, a VF left stopped or frozen where the VM runs",
}

func (transparent) Info() observe.OracleInfo { return transparentInfo }

// CheckFinish compares the guest's log with the run without migration,
// entry by entry, when the flow succeeded or stopped on a compatibility
// check with the VM's vCPUs running (it stopped before or rolled back, so
// nothing may show: comparesLogs). A flow that stopped with another error,
// or on a compatibility check that left the vCPUs halted, is that error's
// verdict. A finding after
// a vCPU touched a member the hypervisor froze without halting the vCPUs
// (or resumed them before it ran the member again),
// or after a vCPU's posted write still in flight landed on a member the
// hypervisor had frozen or stopped, is blamed on the hypervisor; so is one
// after a mistake of its flow (observe.FinishPass.Blame).
func (transparent) CheckFinish(p *observe.FinishPass) {
	if p.ReferenceLog == nil {
		return
	}
	compat, ok := comparesLogs(p)
	if !ok {
		return
	}
	i, got, want, ok := firstDifference(p.GuestLog(), p.ReferenceLog)
	if !ok {
		return
	}
	who := observer(p.Guests, p.OtherVMGuests, p.SourceHost(), got, want)
	if compat {
		p.Report(withActors(entryActors(nil, got, want), p.Flow.Actor),
			"%s noticed a migration that stopped on a compatibility check"+differenceSep+"%d of %s is %q, without migration %q", who.subject, i, who.log, got, want)
		return
	}
	actors := entryActors(append([]string{}, p.Guests...), got, want)
	if p.Flow != nil {
		actors = withActors(actors, p.Flow.Actor)
	}
	told := who.told(p.SourceHost(), p.VMHost())
	if p.WithoutMigration {
		told = "this schedule from the run without migration's, with no migration in either run"
	}
	msg := fmt.Sprintf("%s can tell %s"+differenceSep+"%d of %s is %q, without migration %q", who.subject, told, i, who.log, got, want)
	if p.Blame != "" {
		msg += "; blamed on the hypervisor: " + p.Blame
	}
	p.Report(actors, "%s", msg)
}

// differenceSep ends what a transparent finding says can be told and
// starts the difference itself (TransparentDifference).
const differenceSep = ": entry "

// TransparentDifference returns the part of a transparent finding's
// message that names the difference (the entry, its value and the run
// without migration's, and the blame, if any) without who can tell what:
// a migrated run and a run without migration that differ from the
// reference log alike give the same. "" for a message without one.
func TransparentDifference(msg string) string {
	_, diff, ok := strings.Cut(msg, differenceSep)
	if !ok {
		return ""
	}
	return diff
}

// observed names who can tell from a differing entry of the guest log
// that the guest moved, as a finding's message words it.
type observed struct {
	subject string // "the guest", "peer p2p"
	moved   string // who moved, as the subject sees it: "it", "the guest"
	log     string // the log the entry is in: "its log", "the guest log"
}

// told words what the subject can tell when the VM started on host src
// and runs on host now at the end of the run: that it moved, or, when
// the VM ends where it started (a migration cancelled before the
// switchover, the source resumed where it was), that a migration was
// attempted — the guest never left the source's device then, so "it
// moved" would send the reader looking for a destination that played no
// part.
func (o observed) told(src, now string) string {
	if src == "" || now != src {
		return o.moved + " moved"
	}
	of := ""
	if o.moved != "it" {
		of = " of " + o.moved
	}
	return fmt.Sprintf("a migration%s was attempted, though the VM ends on %s, where it started", of, src)
}

// observer returns who observed the difference: a peer of the VM when
// both entries are that peer's (what it read of a VF differs; the log
// holds the peers' reads beside the guests' entries), a guest of another
// VM (others: it stays on src, so "it moved" would be wrong) when both are
// that guest's, else the guest.
func observer(guests, others []string, src, got, want string) observed {
	a, b := entryActor(got), entryActor(want)
	if a == "" {
		a = b
	}
	if b == "" {
		b = a
	}
	switch {
	case a != "" && a == b && slices.Contains(others, a):
		return observed{subject: fmt.Sprintf("guest %s of another VM (it stays on %s)", a, src), moved: "the VM", log: "its log"}
	case a != "" && a == b && !slices.Contains(guests, a):
		return observed{subject: "peer " + a, moved: "the guest", log: "the guest log"}
	}
	return observed{subject: "the guest", moved: "it", log: "its log"}
}

// entryActors adds to actors the actors whose log entries differ (got,
// want): a peer's read is part of what the guest can tell, and the peer
// whose read differs is involved as much as the guests are.
func entryActors(actors []string, got, want string) []string {
	return withActors(actors, entryActor(got), entryActor(want))
}

// entryActor returns the actor that wrote an entry of the guest log: the
// world prefixes each entry with its guest's or peer's name and ": "
// (observe.FinishPass.GuestLog), and names hold no space. "" for an entry
// without one ("(nothing)" past a log's end).
func entryActor(entry string) string {
	name, _, ok := strings.Cut(entry, ": ")
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return ""
	}
	return name
}

// withActors appends the names not yet in actors ("" is no name).
func withActors(actors []string, names ...string) []string {
	for _, n := range names {
		if n != "" && !slices.Contains(actors, n) {
			actors = append(actors, n)
		}
	}
	return actors
}

// firstDifference returns the first index where the logs differ, with both
// entries ("(nothing)" past a log's end or for an empty entry).
func firstDifference(got, ref []string) (int, string, string, bool) {
	for i := 0; i < len(got) || i < len(ref); i++ {
		var g, r string
		if i < len(got) {
			g = got[i]
		}
		if i < len(ref) {
			r = ref[i]
		}
		if g != r {
			return i, orNone(g), orNone(r), true
		}
	}
	return 0, "", "", false
}

func orNone(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return s
}

// comparesLogs reports whether the finish oracles that judge the guest's
// log against the run without migration (transparent, gave-up) judge this
// run, and whether its flow stopped on a compatibility check. They do when
// the flow succeeded, or stopped on a compatibility check (the precheck,
// or a destination's load check refusing a saved state) while the VM's
// vCPUs run: the check stopped the migration before anything moved, or
// on-error=rollback resumed the VM on the source, so the guest may notice
// nothing. A flow that stopped with another error is that error's verdict,
// and so is a compatibility check that left the vCPUs halted
// (on-error=stop after halt-vcpus): nobody resumes them, so the guest's log
// ends where the halt caught it, which is the failed flow showing, not a
// migration the guest can tell. So is a compatibility check that left an
// actor blocked at an await the flow would have signalled had it gone on
// (Stranded): that actor's log ends at the await.
func comparesLogs(p *observe.FinishPass) (compatStop, ok bool) {
	if p.Flow == nil || p.Flow.Err == nil {
		return false, true
	}
	var ie *compat.IncompatibleError
	if !errors.As(p.Flow.Err, &ie) || p.Halted || p.Stranded {
		return false, false
	}
	return true, true
}
