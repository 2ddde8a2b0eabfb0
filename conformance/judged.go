package conformance

import (
	"fmt"
	"slices"
	"strings"
)

// Judged counts the requirements a run judged and those it left
// unjudged, so that a pass on a few requirements cannot read like a full
// pass: a requirement is judged when its verdict is pass, fail or warn;
// skip, not exercised and not covered are not judged. ForDevice counts
// the ones skipped because this device does not take their units (its
// type, the editions it declares, a knob value it does not implement);
// NotExercised those whose verdict is not exercised (the runs of the
// units that would judge them did not negotiate a feature they need: the
// summary line's "not exercised" count, the same requirements);
// NotSelected those that units the run did not select (--parts,
// --scenario, --spec) exercise, and otherwise only units the device does
// not take; NotCovered those nothing in the kit exercises; NotReached
// those a device test would judge whose set-up the device failed (and no
// other unit judged); Other the rest (units cut short, spoiled by another
// failure, or a run stopped early).
type Judged struct {
	Judged       int `json:"judged"`
	Total        int `json:"total"`
	ForDevice    int `json:"for_device"`
	NotExercised int `json:"not_exercised"`
	NotSelected  int `json:"not_selected"`
	NotCovered   int `json:"not_covered"`
	NotReached   int `json:"not_reached"`
	Other        int `json:"other"`
}

// Reasons of an unjudged requirement that count as ForDevice: the
// prefixes of the skip reasons of the device's type and declarations. A
// knob's reason, "needs K=V; the device implements K=W", holds the
// separator the reasons are joined with, so its second half is one of
// them too (knobImplements).
var forDevicePrefixes = []string{"not for a virtio-", "not for the editions the device declares", "needs ", knobImplements}

// knobImplements begins the second half of the reason of a unit that
// needs a knob value the device does not implement (kit.skipReason).
const knobImplements = "the device implements "

// judged counts the report's requirements.
func (r *Report) judged() Judged {
	j := Judged{Total: len(r.Requirements)}
	for _, q := range r.Requirements {
		switch q.Verdict {
		case verdictPass, verdictFail, verdictWarn:
			j.Judged++
		case verdictNotCovered:
			j.NotCovered++
		case verdictNotExer:
			j.NotExercised++
		default:
			switch known, selection := skipReasons(q.Why); {
			case strings.HasPrefix(q.Why, notReached) || strings.Contains(q.Why, "; "+notReached):
				j.NotReached++ // a unit that would judge it could not be set up
			case !known:
				j.Other++
			case selection:
				j.NotSelected++ // judging what the run left out would judge it
			default:
				j.ForDevice++
			}
		}
	}
	return j
}

// skipReasons classifies the reasons of a skipped requirement (joined by
// "; ", in unit order, which must not matter): known when every reason is
// the device's (forDevicePrefixes) or the selection's (notSelected,
// editionNotSelected), selection when one of them is the selection's. A
// reason of neither kind (a unit cut short, failed or inconclusive) makes
// both false.
func skipReasons(why string) (known, selection bool) {
	if why == "" {
		return false, false
	}
	for _, r := range strings.Split(why, "; ") {
		switch {
		case r == notSelected || strings.HasPrefix(r, editionNotSelected):
			selection = true
		case slices.ContainsFunc(forDevicePrefixes, func(p string) bool { return strings.HasPrefix(r, p) }):
		default:
			return false, false
		}
	}
	return true, selection
}

// notSelected is the reason of a requirement only unselected units
// exercise; editionNotSelected begins the reason of a unit of an edition
// the device declares but the run does not judge (Editions, --spec).
const (
	notSelected        = "exercised only by units this run did not select"
	editionNotSelected = "not for the editions this run judges"
)

// String is the summary's second line: "judged 50 of 103 requirements;
// 53 not judged: 11 not for this device, 42 not covered by the kit
// (see the Skip, Not exercised and Not covered lines)" (the
// reference virtio-blk's, docs/conformance.md, "judged-example").
func (j Judged) String() string {
	s := fmt.Sprintf("judged %d of %d requirements", j.Judged, j.Total)
	if j.Judged == j.Total {
		return s
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{j.ForDevice, "not for this device"}, {j.NotExercised, "not exercised"}, {j.NotSelected, "not selected by this run"},
		{j.NotCovered, "not covered by the kit"}, {j.NotReached, "not reached by device tests whose set-up failed"},
		{j.Other, "left unjudged by failed or cut-short units"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return fmt.Sprintf("%s; %d not judged: %s (see the Skip, Not exercised and Not covered lines)", s, j.Total-j.Judged, strings.Join(parts, ", "))
}
