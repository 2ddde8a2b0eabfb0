package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/oracletable"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
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

// runOracles implements `migsim oracles`.
func runOracles(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("oracles", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	edition := fs.String("spec", "", "keep only this edition's requirement IDs: draft-2023 or virtio-1.4")
	format := fs.String("format", "text", "output format: text, json or markdown")
	fs.Usage = func() {
		fmt.Fprint(stdout, oraclesUsage)
		fs.PrintDefaults()
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "migsim oracles: "+format+"\n", a...)
		fmt.Fprintln(stderr, "run 'migsim oracles --help' for usage")
		return cmdbase.ExitUsage
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
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
			return usageErr("--spec: %s", usererr.Text(err))
		}
		ed = e
	}
	var err error
	switch *format {
	case "text":
		err = oracletable.WriteText(stdout, oracletable.Entries(ed))
	case "json":
		err = oracletable.WriteJSON(stdout, oracletable.Entries(ed))
	case "markdown":
		_, err = io.WriteString(stdout, oracle.Doc())
	default:
		return usageErr("unknown format %q (want text, json or markdown)", *format)
	}
	if err != nil {
		fmt.Fprintf(stderr, "migsim oracles: write: %v\n", err)
		return cmdbase.ExitUnwritten
	}
	return cmdbase.ExitOK
}
