package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/compatreport"
	"github.com/migsim/migsim/internal/inputfile"
	"github.com/migsim/migsim/internal/usererr"
)

func init() {
	register(command{
		name:    "compat",
		summary: "check whether a source device state can migrate to a destination (SRC DST description files)",
		run:     runCompat,
	})
}

func runCompat(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("compat", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	format := fs.String("format", "text", "output format: text or json")
	state := fs.Bool("state", false, "SRC is a saved state (compatibility header and payload, as any implementation writes it): check its header and decode its payload at load (docs/compat.md, \"The payload checks\")")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: migsim compat [--format text|json] SRC DST")
		fmt.Fprintln(stdout, "       migsim compat --state [--format text|json] SAVED DST")
		fmt.Fprintln(stdout, "\nSRC is a source device description, DST a destination description (JSON;")
		fmt.Fprintln(stdout, "see docs/compat.md); SAVED a saved state (binary). Exit 0 compatible, 1")
		fmt.Fprintln(stdout, "incompatible, 2 usage or input error (a bad description, a SAVED file that")
		fmt.Fprintln(stdout, "is not a saved state, a check that reached no verdict).")
		fmt.Fprintln(stdout, "\nflags:")
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "compat", "%v", cliflag.Error(err))
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "migsim compat: --format %q: want text or json\n", *format)
		return cmdbase.ExitUsage
	}
	if fs.NArg() != 2 {
		return cmdbase.UsageError(stderr, "compat", "want 2 arguments SRC DST, got %d", fs.NArg())
	}
	srcPath, dstPath := fs.Arg(0), fs.Arg(1)
	if *state {
		return compatState(srcPath, dstPath, *format, stdout, stderr)
	}
	src, err := readCompatSource(srcPath)
	if err != nil {
		fmt.Fprintf(stderr, "migsim compat: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	dst, err := readCompatDestination(dstPath)
	if err != nil {
		fmt.Fprintf(stderr, "migsim compat: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	rep, err := compatreport.Verdict(src, dst)
	return writeCompatReport(stdout, stderr, rep, err, *format)
}

// writeCompatReport prints the report and returns the exit status: 1 for
// an incompatible pair, 2 when the report cannot be written; a check that reached no verdict (checkErr, the
// error compatreport.Fill returns) is printed as an error and exits 2,
// with nothing on stdout.
func writeCompatReport(stdout, stderr io.Writer, rep compatreport.Report, checkErr error, format string) int {
	if checkErr != nil {
		fmt.Fprintf(stderr, "migsim compat: %s\n", usererr.Text(checkErr))
		return cmdbase.ExitUsage
	}
	if err := compatreport.Write(stdout, rep, format); err != nil {
		fmt.Fprintf(stderr, "migsim compat: write: %v\n", err)
		return cmdbase.ExitUnwritten
	}
	if !rep.Compatible() {
		return cmdbase.ExitFinding
	}
	return cmdbase.ExitOK
}

func readCompatSource(path string) (compat.CompatHeader, error) {
	data, err := inputfile.ReadFile(path, inputfile.Description)
	if err != nil {
		return compat.CompatHeader{}, fmt.Errorf("SRC: %w", err)
	}
	d, err := compat.ParseSourceDescription(data)
	if err != nil {
		return compat.CompatHeader{}, fmt.Errorf("SRC %s: %w", path, err)
	}
	h, err := d.Header()
	if err != nil {
		return compat.CompatHeader{}, fmt.Errorf("SRC %s: %w", path, err)
	}
	return h, nil
}

func readCompatDestination(path string) (compat.DeviceCaps, error) {
	data, err := inputfile.ReadFile(path, inputfile.Description)
	if err != nil {
		return compat.DeviceCaps{}, fmt.Errorf("DST: %w", err)
	}
	c, err := compat.ParseDestinationDescription(data)
	if err != nil {
		return compat.DeviceCaps{}, fmt.Errorf("DST %s: %w", path, err)
	}
	return c, nil
}
