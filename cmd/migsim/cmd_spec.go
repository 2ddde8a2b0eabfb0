package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/spectable"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/spec"
)

func init() {
	register(command{
		name:    "spec",
		summary: "print an edition's opcodes, statuses, parts, modes, transitions, knobs and requirements",
		run:     runSpec,
	})
}

const specUsage = `usage: migsim spec [--spec draft-2023|virtio-1.4] [--format text|json|dot] [--knob key=value ...]
       migsim spec ID... [--spec draft-2023|virtio-1.4] [--format text|json]

Prints the tables migsim follows for an edition: the admin opcodes (hex and
decimal, groups, data -> result), group types, status codes and qualifiers,
device part types (virtio-1.4) or context field types (draft-2023), the modes,
the mode transition table under the given knobs, every knob with its edition
default and allowed values, and the requirement catalog.

draft-2023 opcode, mode and field-type values are simulator-assigned: the 2023
proposal published no stable values (docs/spec.md, "The two editions").

Without --spec, text and json print both editions; dot prints draft-2023 (one
digraph per output), so pass --spec virtio-1.4 for the other mode machine.

With requirement IDs (DP-DEV-09) it prints each one's text, level, editions,
source, oracles, and the catalog rows (--spec: that edition's) of the
scenarios that name it; an unknown ID exits 2 naming the nearest.

flags:
`

// runSpec implements `migsim spec`.
func runSpec(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("spec", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	edition := fs.String("spec", "", "edition: draft-2023 or virtio-1.4 (default: both; draft-2023 for --format dot)")
	format := fs.String("format", "text", "output format: text, json or dot")
	knobs := fs.StringArray("knob", nil, "set a knob, key=value; repeatable (the knobs table lists them)")
	fs.Usage = func() {
		fmt.Fprint(stdout, specUsage)
		fs.PrintDefaults()
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "migsim spec: "+format+"\n", a...)
		fmt.Fprintln(stderr, "run 'migsim spec --help' for usage")
		return cmdbase.ExitUsage
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return usageErr("%v", cliflag.Error(err))
	}
	if *format != "text" && *format != "json" && *format != "dot" {
		return usageErr("unknown format %q (want text, json or dot)", *format)
	}
	var ed spec.Edition
	if *edition != "" {
		var err error
		if ed, err = spec.ParseEdition(*edition); err != nil {
			return usageErr("--spec: %s", usererr.Text(err))
		}
	}
	if fs.NArg() > 0 { // requirement IDs
		if *format == "dot" || len(*knobs) > 0 {
			return usageErr("requirement IDs take --spec and --format text|json only (not --format dot or --knob)")
		}
		cs, err := spectable.LookupCatalog(fs.Args(), ed)
		if err != nil {
			fmt.Fprintf(stderr, "migsim spec: %s\n", usererr.Text(err))
			return cmdbase.ExitUsage
		}
		if err := spectable.WriteChecked(stdout, cs, *format == "json"); err != nil {
			fmt.Fprintf(stderr, "migsim spec: write: %v\n", err)
			return cmdbase.ExitUnwritten
		}
		return cmdbase.ExitOK
	}
	editions := spec.Editions
	switch {
	case ed != 0:
		editions = []spec.Edition{ed}
	case *format == "dot":
		editions = []spec.Edition{spec.Draft2023}
	}
	docs := make([]spectable.Doc, 0, len(editions))
	rules := make([]spec.Rules, 0, len(editions))
	if ed == 0 && len(editions) > 1 {
		any := spec.DefaultRules(spec.Draft2023)
		for _, kv := range *knobs {
			if err := any.Parse(kv); err != nil { // an unknown knob or value
				return usageErr("--knob %s: %s", kv, usererr.Text(err))
			}
		}
	}
	for _, e := range editions {
		// With --spec (or dot's one edition) a knob must apply to the
		// edition printed; printing both, each takes the knobs that
		// apply to it.
		kvs := *knobs
		if ed == 0 && len(editions) > 1 {
			kvs = applicable(e, kvs)
		}
		// Each knob alone first, so that the error names the one given.
		for _, kv := range kvs {
			if _, err := spec.ParseRules(e, []string{kv}); err != nil {
				return usageErr("--knob %s: %s", kv, usererr.Text(err))
			}
		}
		r, err := spec.ParseRules(e, kvs)
		if err != nil {
			return usageErr("--knob: %s", usererr.Text(err))
		}
		rules = append(rules, r)
		docs = append(docs, spectable.Build(e, r))
	}

	var err error
	switch *format {
	case "dot":
		_, err = io.WriteString(stdout, editions[0].TransitionTable(rules[0]).DOT())
	case "json":
		err = spectable.WriteJSON(stdout, docs, *edition != "")
	default:
		err = spectable.WriteText(stdout, docs, editions, rules)
	}
	if err != nil {
		fmt.Fprintf(stderr, "migsim spec: write: %v\n", err)
		return cmdbase.ExitUnwritten
	}
	return cmdbase.ExitOK
}

// applicable returns the key=value knobs of kvs that apply to edition e.
func applicable(e spec.Edition, kvs []string) []string {
	var out []string
	for _, kv := range kvs {
		name, _, _ := strings.Cut(kv, "=")
		if spec.CheckKnobApplies(e, strings.TrimSpace(name)) == nil {
			out = append(out, kv)
		}
	}
	return out
}
