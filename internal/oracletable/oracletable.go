// Package oracletable is the document `migsim oracles` prints: the
// registry of oracles in the order the world runs them (each one's name,
// meaning, what it observes, the hooks it runs at and its requirement IDs)
// and the verdict names that are not oracles, written as aligned text or
// JSON.
package oracletable

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// Entry is one oracle in `migsim oracles --format json`.
type Entry struct {
	Name     string   `json:"name"`
	Meaning  string   `json:"meaning"`
	Observes string   `json:"observes"`
	Hooks    []string `json:"hooks"`
	Reqs     []string `json:"reqs"`
}

// Entries describes the registry; with an edition (not 0), only the
// requirement IDs that apply to it are kept.
func Entries(ed spec.Edition) []Entry {
	var out []Entry
	for _, o := range oracle.All() {
		info := o.Info()
		e := Entry{Name: info.Name, Meaning: info.Doc, Observes: info.Observes, Reqs: []string{}}
		for _, h := range observe.HooksOf(o) {
			e.Hooks = append(e.Hooks, string(h))
		}
		for _, id := range info.Reqs {
			if r, ok := spec.LookupRequirement(id); ok && (ed == 0 || r.AppliesTo(ed)) {
				e.Reqs = append(e.Reqs, id)
			}
		}
		out = append(out, e)
	}
	return out
}

// WriteText writes the entries and the verdicts as two aligned tables.
func WriteText(w io.Writer, entries []Entry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ORACLE\tHOOKS\tREQUIREMENTS\tMEANING")
	for _, e := range entries {
		reqs := strings.Join(e.Reqs, " ")
		if reqs == "" {
			reqs = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Name, strings.Join(e.Hooks, ","), reqs, e.Meaning)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("oracle table: %w", err)
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nVERDICT\tREPORTED BY\tMEANING")
	for _, v := range oracle.Verdicts() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Name, v.ReportedBy, v.Doc)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("verdict table: %w", err)
	}
	return nil
}

// WriteJSON writes the entries and the verdicts as one indented JSON
// object: {"oracles": [...], "verdicts": [...]}.
func WriteJSON(w io.Writer, entries []Entry) error {
	doc := struct {
		Oracles  []Entry          `json:"oracles"`
		Verdicts []oracle.Verdict `json:"verdicts"`
	}{entries, oracle.Verdicts()}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("oracles as JSON: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("oracles as JSON: %w", err)
	}
	return nil
}
