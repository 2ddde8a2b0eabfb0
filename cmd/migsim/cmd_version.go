package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/buildinfo"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
)

func init() {
	register(command{name: "version", summary: "print migsim's version and build identity: module version, VCS revision, Go version (also --version)", run: runVersion})
}

const versionUsage = `usage: migsim version [--format text|json] (or migsim --version)

Prints the module version, the VCS revision and the Go version the binary
was built from (runtime/debug.ReadBuildInfo; "devel" for a build without a
module version: go build or go run in the source tree), then the revision
in full and whether the tree was modified, the executable's SHA-256 (its
first 16 hex digits) when the build is not VCS-stamped or its tree was
modified, and the build identity that shard summaries record and migsim
merge compares (docs/scale.md). --format json prints the same as one JSON
document: version, revision, modified, go, sha256, build.
`

// runVersion implements `migsim version` and `migsim --version`.
func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("version", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprint(stdout, versionUsage+"\nflags:\n")
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "version", "%v", err)
	}
	if fs.NArg() > 0 {
		return cmdbase.UsageError(stderr, "version", "unexpected arguments %q", fs.Args())
	}
	if *format != "text" && *format != "json" {
		return cmdbase.UsageError(stderr, "version", "--format %q: want text or json", *format)
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	d := buildinfo.Describe(bi, buildinfo.Running())
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			fmt.Fprintf(stderr, "migsim version: write: %v\n", err)
			return cmdbase.ExitUnwritten
		}
		return cmdbase.ExitOK
	}
	fmt.Fprintln(stdout, buildinfo.Text(bi))
	fmt.Fprint(stdout, d.Lines())
	return cmdbase.ExitOK
}
