package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/vocab"
)

// OracleNames are the names `expect … violation NAME` accepts: the
// registry's oracles (oracle.Names), sorted.
func OracleNames() []string {
	names := oracle.Names()
	slices.Sort(names)
	return slices.Compact(names)
}

// FindingOracles are the names a finding recorded in a schedule file can
// carry: the registry's oracles (OracleNames), the verdicts that are not
// oracles but error:NAME (findingVerdicts: panic, scenario, reference…)
// and error:NAME for every error name an `expect … error NAME` line
// accepts. A flow stopped by an operation the edition lacks,
// error:n/a:WORD, is also known (CheckFindingOracle).
func FindingOracles() []string {
	names := append(OracleNames(), findingVerdicts()...)
	for _, e := range vocab.ErrorNames() {
		names = append(names, oracle.ErrorPrefix+e)
	}
	return names
}

// findingVerdicts are the verdict names (oracle.Verdicts) that are neither
// an oracle's nor error:NAME.
func findingVerdicts() []string {
	var out []string
	for _, v := range oracle.Verdicts() {
		if !strings.HasPrefix(v.Name, oracle.ErrorPrefix) && !slices.Contains(OracleNames(), v.Name) {
			out = append(out, v.Name)
		}
	}
	return out
}

// CheckFindingOracle checks the oracle a schedule file's finding names:
// one of FindingOracles, or error:n/a:WORD.
func CheckFindingOracle(name string) error {
	known := FindingOracles()
	if slices.Contains(known, name) {
		return nil
	}
	if w, ok := strings.CutPrefix(name, oracle.ErrorPrefix+"n/a:"); ok && w != "" && !strings.ContainsAny(w, " \t\n") {
		return nil
	}
	if adminErrorName(name) {
		return nil
	}
	msg := fmt.Sprintf("unknown oracle %q: want an oracle (%s), a verdict (%s) or error:NAME (NAME an error name `expect … error` accepts, or n/a:WORD); `migsim oracles` lists them",
		name, strings.Join(OracleNames(), ", "), strings.Join(findingVerdicts(), ", "))
	if s := scenario.Suggest(name, known); s != "" {
		msg += "; did you mean " + s + "?"
	}
	return errors.New(msg)
}

// adminErrorName reports whether name is error:STATUS/QUALIFIER as the
// flow names an admin command that failed (spec.Status and spec.Qualifier
// printed): a device may answer a status or qualifier the spec does not
// name (STATUS_5, QUALIFIER_0x0009), its run ends with that finding, and
// its schedule file must replay.
func adminErrorName(name string) bool {
	pair, ok := strings.CutPrefix(name, oracle.ErrorPrefix)
	if !ok {
		return false
	}
	st, q, ok := strings.Cut(pair, "/")
	return ok && printedAs(st, "STATUS_", func(v uint16) string { return spec.Status(v).String() }, spec.Statuses()) &&
		printedAs(q, "QUALIFIER_", func(v uint16) string { return spec.Qualifier(v).String() }, spec.Qualifiers())
}

// printedAs reports whether s is how str prints some 16-bit value: one of
// the defined values' names, or prefix and the number of an undefined one.
func printedAs[T ~uint16](s, prefix string, str func(uint16) string, defined []T) bool {
	for _, v := range defined {
		if str(uint16(v)) == s {
			return true
		}
	}
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return false
	}
	n, err := strconv.ParseUint(rest, 0, 16)
	return err == nil && str(uint16(n)) == s
}

// Vocabulary is the world's vocabulary with the oracle names: what a
// scenario is checked against.
func Vocabulary() *scenario.Vocabulary {
	v := vocab.Vocabulary()
	v.Oracles = OracleNames()
	return v
}

// CheckScenario checks a parsed scenario against the vocabulary
// (scenario.Check; the error is a *scenario.CheckError), then that every
// expectation gives a VM the world can build (world/vocab.CheckVM).
func CheckScenario(s *scenario.Scenario) error {
	if err := scenario.Check(s, Vocabulary()); err != nil {
		return err
	}
	return vocab.CheckVM(s)
}

// parseAndCheck parses a scenario's text and checks it as CheckScenario
// does, with the problems of the syntax that leave the rest readable
// reported together with the check's (scenario.ParseAndCheck). The VM
// check (world/vocab.CheckVM) comes after them, as in CheckScenario: it
// needs the VF and queue counts and settings read and checked.
func parseAndCheck(file string, src []byte) (*scenario.Scenario, error) {
	s, err := scenario.ParseAndCheck(file, src, Vocabulary())
	if err != nil {
		return nil, err
	}
	if err := vocab.CheckVM(s); err != nil {
		return nil, err
	}
	return s, nil
}

// CheckTarget checks what a run of s under ed with knobs and settings
// needs beyond CheckScenario: the programs that run under ed (unless s
// expects n/a under ed), the knobs
// (key=value, each known, with a suggestion for a near miss) and the
// settings (on top of the scenario's).
func CheckTarget(s *scenario.Scenario, ed spec.Edition, knobs []string, settings []scenario.Arg) error {
	v := Vocabulary()
	// An edition the scenario expects n/a under runs to the operation it
	// lacks (checkNA): its programs are not that edition's.
	if !expectsNA(s, ed) {
		if err := scenario.CheckEdition(s, v, ed); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, k := range knobs {
		if err := scenario.CheckKnobFor(k, ed); err != nil {
			return fmt.Errorf("--knob %s: %w", k, err)
		}
		// A knob of the other edition is named with the flag and the value
		// given, as an unknown one is.
		name, _, _ := strings.Cut(k, "=")
		if err := spec.CheckKnobApplies(ed, name); err != nil {
			return fmt.Errorf("--knob %s: %w", k, err)
		}
		// The last of two values would win silently: the run would not be
		// the one the command line seems to ask for.
		if seen[name] {
			return fmt.Errorf("--knob %s: knob %s given twice", k, name)
		}
		seen[name] = true
	}
	if err := v.CheckSettings(s.Settings, settings); err != nil {
		return fmt.Errorf("--set: %w", err)
	}
	// What the load-time check asks of an expect line's set: entries, the
	// command line's settings must give too: the run would otherwise stop
	// in its run without migration, a finding (exit 1) for bad input.
	for _, a := range settings {
		if a.Key == "hv-await" {
			if err := scenario.CheckAwaitSetting(s, ed, a.Value); err != nil {
				return fmt.Errorf("--set %w", err)
			}
		}
	}
	if len(settings) > 0 && !expectsNA(s, ed) {
		if err := vocab.CheckVMFor(s, ed, append(slices.Clone(s.Settings), settings...)); err != nil {
			if strings.HasPrefix(err.Error(), "set ") { // it names the setting: "set vm-vfs=…: …"
				return fmt.Errorf("--%w", err)
			}
			return fmt.Errorf("--set %s: %w", strings.Join(SettingStrings(settings), " "), err)
		}
	}
	return nil
}

// expectsNA reports whether s has an `expect ED n/a` line for ed.
func expectsNA(s *scenario.Scenario, ed spec.Edition) bool {
	for _, e := range s.Expect {
		if e.Edition == ed && e.Verdict == scenario.VerdictNA {
			return true
		}
	}
	return false
}
