// Package compatreport is the document `migsim compat` prints: the verdict
// on a source and a destination (or a saved state and a destination), with
// the mismatches of an incompatible pair or the load plan of a compatible
// one (features offered, parameters, what is set to off, warnings), as
// text or JSON.
package compatreport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/migsim/migsim/devctx/compat"
)

// Report is the --format json output of migsim compat.
type Report struct {
	Verdict      string     `json:"verdict"`
	Phase        string     `json:"phase,omitempty"`
	Model        string     `json:"model"`
	StateVersion uint16     `json:"state_version"`
	Features     string     `json:"features,omitempty"`
	Params       []string   `json:"params,omitempty"`
	SetToOff     []string   `json:"set_to_off,omitempty"`
	Warnings     []string   `json:"warnings,omitempty"`
	Mismatches   []Mismatch `json:"mismatches,omitempty"`
}

// Mismatch is one mismatch of an incompatible pair (compat.Mismatch).
type Mismatch struct {
	Code        string `json:"code"`
	Field       string `json:"field"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
	Bit         int    `json:"bit,omitempty"`
	Message     string `json:"message"`
}

// Compatible reports whether the verdict is "compatible".
func (r Report) Compatible() bool { return r.Verdict == "compatible" }

// Verdict runs the precheck and, when it passes, the load check on the
// encoded state (empty payload), as a migration would. An error is a check
// that reached no verdict (Fill).
func Verdict(src compat.CompatHeader, dst compat.DeviceCaps) (Report, error) {
	rep := Report{Model: src.Model, StateVersion: src.StateVersion}
	err := compat.CheckCompatible(src, dst, compat.Where{Phase: compat.PhasePrecheck})
	var plan compat.LoadPlan
	if err == nil {
		plan, err = compat.CheckLoad(compat.EncodeSavedState(src, nil), dst, compat.Where{Phase: compat.PhaseLoad}, nil)
	}
	return Fill(rep, plan, err)
}

// Fill completes a report from a check's plan and error: no error gives
// the compatible verdict and the plan, an *compat.IncompatibleError
// (wrapped or not) the incompatible verdict and its mismatches. Any other
// error (the check could not read or decode what it was given, a failure
// of the check itself) is no verdict at all: Fill returns it, wrapped,
// with rep unchanged, and the caller reports the error, never a verdict.
func Fill(rep Report, plan compat.LoadPlan, err error) (Report, error) {
	var ie *compat.IncompatibleError
	switch {
	case err == nil:
	case errors.As(err, &ie):
		rep.Verdict, rep.Phase = "incompatible", ie.Phase
		for _, m := range ie.Mismatches {
			rep.Mismatches = append(rep.Mismatches, Mismatch{Code: m.Code.String(), Field: m.Field,
				Source: m.Source, Destination: m.Destination, Bit: m.Bit, Message: m.String()})
		}
		return rep, nil
	default:
		return rep, fmt.Errorf("compat check: no verdict: %w", err)
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
	return rep, nil
}

// Write prints the report as format ("json", else text).
func Write(w io.Writer, rep Report, format string) error {
	if format != "json" {
		return writeText(w, rep)
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("compat report: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("compat report: %w", err)
	}
	return nil
}

func writeText(w io.Writer, rep Report) error {
	var b strings.Builder
	if !rep.Compatible() {
		n := len(rep.Mismatches)
		plural := "es"
		if n == 1 {
			plural = ""
		}
		fmt.Fprintf(&b, "incompatible at %s: %s state version %d, %d mismatch%s\n", rep.Phase, rep.Model, rep.StateVersion, n, plural)
		listed := min(n, compat.MaxListedMismatches)
		for _, m := range rep.Mismatches[:listed] {
			fmt.Fprintf(&b, "  %s\n", m.Message)
		}
		if more := n - listed; more > 0 {
			fmt.Fprintf(&b, "  … and %d more (the JSON report lists every one)\n", more)
		}
	} else {
		fmt.Fprintf(&b, "compatible: %s state version %d\n", rep.Model, rep.StateVersion)
		fmt.Fprintf(&b, "  features offered: %s\n", rep.Features)
		fmt.Fprintf(&b, "  params: %s\n", orNone(rep.Params))
		fmt.Fprintf(&b, "  set to off: %s\n", orNone(rep.SetToOff))
		for _, s := range rep.Warnings {
			fmt.Fprintf(&b, "  warning: %s\n", s)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("compat report: %w", err)
	}
	return nil
}

func orNone(ss []string) string {
	if len(ss) == 0 {
		return "(none)"
	}
	return strings.Join(ss, ", ")
}
