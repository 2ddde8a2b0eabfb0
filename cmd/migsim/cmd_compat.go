package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/inputfile"
)

func init() {
	register(command{
		name:    "compat",
		summary: "check whether a source device state can migrate to a destination (SRC DST description files)",
		run:     runCompat,
	})
}

// compatReport is the --format json output of migsim compat.
type compatReport struct {
	Verdict      string           `json:"verdict"`
	Phase        string           `json:"phase,omitempty"`
	Model        string           `json:"model"`
	StateVersion uint16           `json:"state_version"`
	Features     string           `json:"features,omitempty"`
	Params       []string         `json:"params,omitempty"`
	SetToOff     []string         `json:"set_to_off,omitempty"`
	Warnings     []string         `json:"warnings,omitempty"`
	Mismatches   []compatMismatch `json:"mismatches,omitempty"`
}

type compatMismatch struct {
	Code        string `json:"code"`
	Field       string `json:"field"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Bit         int    `json:"bit,omitempty"`
	Message     string `json:"message"`
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
		fmt.Fprintln(stdout, "is not a saved state).")
		fmt.Fprintln(stdout, "\nflags:")
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageError(stderr, "compat", "%v", cliflag.Error(err))
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "migsim compat: --format %q: want text or json\n", *format)
		return exitUsage
	}
	if fs.NArg() != 2 {
		return usageError(stderr, "compat", "want 2 arguments SRC DST, got %d", fs.NArg())
	}
	srcPath, dstPath := fs.Arg(0), fs.Arg(1)
	if *state {
		return compatState(srcPath, dstPath, *format, stdout, stderr)
	}
	src, err := readCompatSource(srcPath)
	if err != nil {
		fmt.Fprintf(stderr, "migsim compat: %v\n", err)
		return exitUsage
	}
	dst, err := readCompatDestination(dstPath)
	if err != nil {
		fmt.Fprintf(stderr, "migsim compat: %v\n", err)
		return exitUsage
	}
	rep := compatVerdict(src, dst)
	return writeCompatReport(stdout, rep, *format)
}

// writeCompatReport prints the report and returns the exit status.
func writeCompatReport(stdout io.Writer, rep compatReport, format string) int {
	if format == "json" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		writeCompatText(stdout, rep)
	}
	if rep.Verdict != "compatible" {
		return exitFinding
	}
	return exitOK
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

// compatVerdict runs the precheck and, when it passes, the load check on
// the encoded state (empty payload), as a migration would.
func compatVerdict(src compat.CompatHeader, dst compat.DeviceCaps) compatReport {
	rep := compatReport{Model: src.Model, StateVersion: src.StateVersion}
	err := compat.CheckCompatible(src, dst, compat.Where{Phase: compat.PhasePrecheck})
	var plan compat.LoadPlan
	if err == nil {
		plan, err = compat.CheckLoad(compat.EncodeSavedState(src, nil), dst, compat.Where{Phase: compat.PhaseLoad}, nil)
	}
	return fillCompatReport(rep, plan, err)
}

// fillCompatReport completes a report from a check's plan and error.
func fillCompatReport(rep compatReport, plan compat.LoadPlan, err error) compatReport {
	var ie *compat.IncompatibleError
	if errors.As(err, &ie) {
		rep.Verdict, rep.Phase = "incompatible", ie.Phase
		for _, m := range ie.Mismatches {
			rep.Mismatches = append(rep.Mismatches, compatMismatch{Code: m.Code.String(), Field: m.Field,
				Source: m.Source, Destination: m.Destination, Bit: m.Bit, Message: m.String()})
		}
		return rep
	}
	rep.Verdict = "compatible"
	rep.Features = compat.FormatFeatures(rep.Model, plan.Features)
	for _, p := range plan.Params {
		rep.Params = append(rep.Params, p.String())
	}
	for _, p := range plan.SetToOff {
		rep.SetToOff = append(rep.SetToOff, p.String())
	}
	rep.Warnings = plan.Warnings
	return rep
}

func writeCompatText(w io.Writer, rep compatReport) {
	if rep.Verdict != "compatible" {
		n := len(rep.Mismatches)
		plural := "es"
		if n == 1 {
			plural = ""
		}
		fmt.Fprintf(w, "incompatible at %s: %s state version %d, %d mismatch%s\n", rep.Phase, rep.Model, rep.StateVersion, n, plural)
		for _, m := range rep.Mismatches {
			fmt.Fprintf(w, "  %s\n", m.Message)
		}
		return
	}
	fmt.Fprintf(w, "compatible: %s state version %d\n", rep.Model, rep.StateVersion)
	fmt.Fprintf(w, "  features offered: %s\n", rep.Features)
	fmt.Fprintf(w, "  params: %s\n", orNone(rep.Params))
	fmt.Fprintf(w, "  set to off: %s\n", orNone(rep.SetToOff))
	for _, s := range rep.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", s)
	}
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "(none)"
	}
	return strings.Join(ss, ", ")
}
