package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

func init() {
	register(command{
		name:    "oracles",
		summary: "list the oracles (meaning, hooks, requirements) and the verdicts that are not oracles",
		run:     runOracles,
	})
}

const oraclesUsage = `usage: migsim oracles [--spec draft-2023|virtio-1.4] [--format text|json|markdown]

Lists the registry of oracles in the order the world runs them: each one's
name, the hooks it runs at, the requirement IDs it checks (only the
edition's with --spec) and its meaning; then the verdict names a finding can
carry that are not oracles. --format markdown prints docs/oracles.md.

flags:
`

// oracleEntry is one oracle in `migsim oracles --format json`.
type oracleEntry struct {
	Name     string   `json:"name"`
	Meaning  string   `json:"meaning"`
	Observes string   `json:"observes"`
	Hooks    []string `json:"hooks"`
	Reqs     []string `json:"reqs"`
}

// runOracles implements `migsim oracles`.
func runOracles(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("oracles", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	edition := fs.String("spec", "", "keep only this edition's requirement IDs: draft-2023 or virtio-1.4")
	format := fs.String("format", "text", "output format: text, json or markdown")
	fs.Usage = func() {
		fmt.Fprint(stderr, oraclesUsage)
		fs.PrintDefaults()
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "migsim oracles: "+format+"\n", a...)
		fmt.Fprintln(stderr, "run 'migsim oracles --help' for usage")
		return exitUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageErr("%v", cliflag.Error(err))
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	var ed spec.Edition
	if *edition != "" {
		e, err := spec.ParseEdition(*edition)
		if err != nil {
			return usageErr("%v", err)
		}
		ed = e
	}
	var err error
	switch *format {
	case "text":
		err = writeOraclesText(stdout, oracleEntries(ed))
	case "json":
		err = writeOraclesJSON(stdout, oracleEntries(ed))
	case "markdown":
		_, err = io.WriteString(stdout, oracle.Doc())
	default:
		return usageErr("unknown format %q (want text, json or markdown)", *format)
	}
	if err != nil {
		fmt.Fprintf(stderr, "migsim oracles: write: %v\n", err)
		return exitFinding
	}
	return exitOK
}

// oracleEntries describes the registry; with an edition, only the
// requirement IDs that apply to it are kept.
func oracleEntries(ed spec.Edition) []oracleEntry {
	var out []oracleEntry
	for _, o := range oracle.All() {
		info := o.Info()
		e := oracleEntry{Name: info.Name, Meaning: info.Doc, Observes: info.Observes, Reqs: []string{}}
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

func writeOraclesText(w io.Writer, entries []oracleEntry) error {
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
		return err
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nVERDICT\tREPORTED BY\tMEANING")
	for _, v := range oracle.Verdicts() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Name, v.ReportedBy, v.Doc)
	}
	return tw.Flush()
}

func writeOraclesJSON(w io.Writer, entries []oracleEntry) error {
	doc := struct {
		Oracles  []oracleEntry    `json:"oracles"`
		Verdicts []oracle.Verdict `json:"verdicts"`
	}{entries, oracle.Verdicts()}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
