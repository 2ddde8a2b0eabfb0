package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/docs"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/keepfile"
)

func init() {
	register(command{name: "dissector", summary: "write the Wireshark dissector of migsim's pcapng traces (migsim.lua) the binary carries", run: runDissector})
}

const dissectorUsage = `usage: migsim dissector [--out FILE]

Writes the Wireshark dissector of the pcapng traces migsim trace and migsim
report write: docs/migsim.lua of the source tree, which the binary carries, so
that Wireshark decodes a trace in any directory:

  migsim dissector --out migsim.lua
  tshark -N n -X lua_script:migsim.lua -r run.pcapng

Without --out it goes to stdout. migsim report writes it beside the pcapng it
writes, and its tshark command loads it from there (docs/traces.md).

Exit 0 when written, 2 on a usage error or a file that cannot be written.

flags:
`

// runDissector implements `migsim dissector`.
func runDissector(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("dissector", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	out := fs.String("out", "", "write to FILE instead of stdout")
	fs.Usage = func() {
		fmt.Fprint(stdout, dissectorUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "dissector", "%v", err)
	}
	if fs.NArg() > 0 {
		return cmdbase.UsageError(stderr, "dissector", "unexpected arguments %q", fs.Args())
	}
	if err := cliflag.EmptyPaths(fs, "out"); err != nil {
		return cmdbase.UsageError(stderr, "dissector", "%v", err)
	}
	if *out == "" {
		if _, err := io.WriteString(stdout, docs.Dissector()); err != nil {
			fmt.Fprintf(stderr, "migsim dissector: write: %v\n", err)
			return cmdbase.ExitUnwritten
		}
		return cmdbase.ExitOK
	}
	if err := cliflag.CheckOutputFile(*out); err != nil {
		return cmdbase.UsageError(stderr, "dissector", "--out: %v", err)
	}
	if err := os.WriteFile(*out, []byte(docs.Dissector()), keepfile.Perm); err != nil {
		fmt.Fprintf(stderr, "migsim dissector: %v\n", err)
		return cmdbase.ExitUnwritten
	}
	return cmdbase.ExitOK
}
