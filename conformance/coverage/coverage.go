// Package coverage is the kit's requirement coverage matrix: which device
// tests and catalog rows exercise each requirement of the spec catalog,
// why nothing exercises the others, and the matrix as docs/conformance.md
// shows it. Package conformance computes the matrix from its units.
package coverage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/spec"
)

// Coverage is which units of the kit exercise which requirement: the
// device tests that check it and the catalog rows whose scenario lists it
// on its requirements line, or whose expected oracle checks it.
type Coverage struct {
	// Tests and Rows map a requirement ID to unit names.
	Tests map[string][]string
	Rows  map[string][]string
}

// Covered reports whether some unit exercises the requirement.
func (c Coverage) Covered(id string) bool { return len(c.Tests[id])+len(c.Rows[id]) > 0 }

// Why says why nothing in the kit exercises a requirement.
func Why(id string) string {
	if why, ok := notCovered[id]; ok {
		return why
	}
	if strings.HasPrefix(id, "NET-") {
		return whyNet
	}
	return "no reason recorded (add one to conformance/coverage/reasons.go)"
}

// Doc renders the requirement coverage matrix of docs/conformance.md: one
// line per requirement of the spec catalog with the device tests and rows
// that exercise it, or why none does.
func Doc(c Coverage) string {
	var b strings.Builder
	b.WriteString(`Every requirement of the ` + "`spec`" + ` catalog, with what exercises it in the kit
(` + "`conformance.Run`" + `, ` + "`migsim conform`" + `): device tests (named ` + "`<ID>/<edition>/<case>`" + `) and
catalog rows (` + "`<scenario>/<edition>[/<knobs>]`" + `) whose scenario lists the requirement on its
` + "`requirements`" + ` line or whose expected oracle checks it. A requirement nothing exercises is
listed with the reason. A report judges no requirement of side driver, even one rows exercise:
they run migsim's reference drivers, not the device under test.

`)
	covered, total := 0, 0
	for _, r := range spec.Requirements() {
		total++
		if c.Covered(r.ID) {
			covered++
		}
	}
	fmt.Fprintf(&b, "%d of %d requirements are exercised.\n\n", covered, total)
	b.WriteString("| requirement | level | side | editions | device tests | rows |\n|---|---|---|---|---|---|\n")
	for _, r := range spec.Requirements() {
		var eds []string
		for _, e := range r.Editions {
			eds = append(eds, e.String())
		}
		if !c.Covered(r.ID) {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | not covered: %s | |\n", r.ID, r.Level, r.Side, strings.Join(eds, ", "), Why(r.ID))
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.ID, r.Level, r.Side, strings.Join(eds, ", "),
			cellList(c.Tests[r.ID]), cellList(c.Rows[r.ID]))
	}
	return b.String()
}

// cellList renders unit names for a table cell, each once.
func cellList(names []string) string {
	if len(names) == 0 {
		return "—"
	}
	var uniq []string
	for _, n := range names {
		if !slices.Contains(uniq, n) {
			uniq = append(uniq, "`"+n+"`")
		}
	}
	return strings.Join(uniq, "<br>")
}

// Listed reports whether the reasons table names the requirement.
func Listed(id string) bool {
	_, ok := notCovered[id]
	return ok
}

// ListedIDs returns the requirements the reasons table names, sorted.
func ListedIDs() []string {
	ids := make([]string, 0, len(notCovered))
	for id := range notCovered {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
