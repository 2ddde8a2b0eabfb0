package spectable

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Checked is one requirement as `migsim spec ID` prints it: its catalog
// entry, the oracles that list it and the catalog rows that check it.
type Checked struct {
	Requirement
	Oracles   []string         `json:"oracles"`
	Scenarios []CheckedByScene `json:"scenarios"`
}

// CheckedByScene is a catalog scenario that names a requirement on its
// requirements line, with its rows (expect lines, without "expect") under
// the requirement's editions.
type CheckedByScene struct {
	Name     string   `json:"name"`
	Question int      `json:"question,omitempty"`
	Rows     []string `json:"rows"`
}

// OracleReqs is an oracle's name and the requirement IDs it checks.
type OracleReqs struct {
	Name string
	Reqs []string
}

// LookupCatalog is Lookup with the oracle registry and the embedded
// scenario catalog: what `migsim spec ID...` prints.
func LookupCatalog(ids []string, ed spec.Edition) ([]Checked, error) {
	scens, err := catalog.Catalog()
	if err != nil {
		return nil, err
	}
	var oracles []OracleReqs
	for _, o := range oracle.All() {
		oracles = append(oracles, OracleReqs{Name: o.Info().Name, Reqs: o.Info().Reqs})
	}
	return Lookup(ids, ed, oracles, scens)
}

// Lookup resolves requirement IDs (case ignored) and collects what checks
// each: the oracles whose list holds it and the scenarios of scens that
// name it, with their rows under its editions (only ed's when ed is not
// 0; a scenario without such a row is left out). An unknown ID is an
// error that names the nearest known one when there is a near miss.
func Lookup(ids []string, ed spec.Edition, oracles []OracleReqs, scens []*scenario.Scenario) ([]Checked, error) {
	out := make([]Checked, 0, len(ids))
	for _, id := range ids {
		r, ok := spec.LookupRequirement(strings.ToUpper(id))
		if !ok {
			return nil, unknownReq(id)
		}
		c := Checked{Requirement: requirementOf(r), Oracles: []string{}, Scenarios: []CheckedByScene{}}
		for _, o := range oracles {
			if contains(o.Reqs, r.ID) {
				c.Oracles = append(c.Oracles, o.Name)
			}
		}
		for _, s := range scens {
			if !contains(s.Requirements, r.ID) {
				continue
			}
			sc := CheckedByScene{Name: s.Name, Question: s.Question}
			for _, e := range s.Expect {
				if r.AppliesTo(e.Edition) && (ed == 0 || e.Edition == ed) {
					sc.Rows = append(sc.Rows, rowText(e))
				}
			}
			if len(sc.Rows) > 0 {
				c.Scenarios = append(c.Scenarios, sc)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// unknownReq is the error for an ID the catalog lacks.
func unknownReq(id string) error {
	// Near misses by spelling, then with the punctuation left out
	// (DPDEV09, dp_dev_09).
	all := spec.Requirements()
	ids := make([]string, len(all))
	bare := map[string]string{}
	for i, r := range all {
		ids[i] = r.ID
		bare[alnum(r.ID)] = r.ID
	}
	// An ID's number has two digits: DP-DEV-1 is DP-DEV-01, which
	// spelling alone ties with DP-DEV-10.
	near := bare[alnum(padNumber(id))]
	if near == "" {
		near = scenario.Suggest(id, ids)
	}
	if near == "" {
		near = bare[alnum(id)]
	}
	if near != "" {
		return fmt.Errorf("no requirement %q; did you mean %s?", id, near)
	}
	if e, err := spec.ParseEdition(id); err == nil {
		return fmt.Errorf("no requirement %q (an edition: --spec %s)", id, e)
	}
	return fmt.Errorf("no requirement %q (migsim spec lists the %d IDs)", id, len(ids))
}

// padNumber is id with a one-digit number at its end written with two
// digits (DP-DEV-1: DP-DEV-01), or id.
func padNumber(id string) string {
	n := len(id)
	if n >= 2 && id[n-1] >= '0' && id[n-1] <= '9' && (id[n-2] < '0' || id[n-2] > '9') {
		return id[:n-1] + "0" + id[n-1:]
	}
	return id
}

// alnum is s upper-cased with everything but letters and digits left out.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return -1
	}, s)
}

func requirementOf(r spec.Requirement) Requirement {
	eds := make([]string, len(r.Editions))
	for i, e := range r.Editions {
		eds[i] = e.String()
	}
	return Requirement{ID: r.ID, Level: r.Level, Side: r.Side, Text: r.Text, Source: r.Source, Editions: eds}
}

// rowText renders an expect line without "expect": edition, knobs,
// settings (set:key=value), verdict and its oracle or error.
func rowText(e scenario.Expectation) string {
	parts := append([]string{e.Edition.String()}, e.Knobs...)
	for _, a := range e.Settings {
		parts = append(parts, "set:"+a.Key+"="+a.Value)
	}
	parts = append(parts, e.Verdict.String())
	if e.Oracle != "" {
		parts = append(parts, e.Oracle)
	}
	return strings.Join(parts, " ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// WriteChecked prints looked-up requirements as a JSON list, or as text
// with a blank line between two.
func WriteChecked(w io.Writer, cs []Checked, asJSON bool) error {
	if asJSON {
		b, err := json.MarshalIndent(cs, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s (%s, %s, %s)\n  %s\n  source:  %s\n", c.ID, c.Level, c.Side, strings.Join(c.Editions, ", "), c.Text, c.Source)
		fmt.Fprintf(&b, "  oracles: %s\n", orNone(strings.Join(c.Oracles, " ")))
		if len(c.Scenarios) == 0 {
			b.WriteString("  catalog: none (no catalog scenario names it on its requirements line and has a row under its editions)\n")
			continue
		}
		b.WriteString("  catalog: the scenarios that name it, and their rows (migsim run NAME judges them)\n")
		width := 0
		for _, s := range c.Scenarios {
			width = max(width, len(s.Name))
		}
		for _, s := range c.Scenarios {
			q := "-"
			if s.Question > 0 {
				q = fmt.Sprintf("Q%d", s.Question)
			}
			for _, r := range s.Rows {
				fmt.Fprintf(&b, "    %-4s %-*s  %s\n", q, width, s.Name, r)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
