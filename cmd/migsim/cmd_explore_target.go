package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/report"
	"github.com/migsim/migsim/spec"
)

// targetFlags are the flags that pick what explore and bench run: a
// scenario, an edition, knobs and world settings.
type targetFlags struct {
	scenario *string
	edition  *string
	knobs    *[]string
	settings *[]string
}

func addTargetFlags(fs *pflag.FlagSet, defScenario string) targetFlags {
	return targetFlags{
		scenario: fs.String("scenario", defScenario, "scenario: a name in the embedded catalog, or a file: a path with a '/' or the .scn suffix"),
		edition:  fs.String("spec", "", "edition: draft-2023 or virtio-1.4 (default: the scenario's first expectation's)"),
		knobs:    fs.StringArray("knob", nil, "set a knob, key=value; repeatable (migsim spec lists them)"),
		settings: fs.StringArray("set", nil, "override a scenario setting, key=value; repeatable"),
	}
}

// resolve loads the scenario and builds the target.
func (tf targetFlags) resolve() (catalog.Target, error) {
	if *tf.scenario == "" {
		return catalog.Target{}, fmt.Errorf("--scenario is required")
	}
	s, err := catalog.FindScenario(*tf.scenario)
	if err != nil {
		return catalog.Target{}, scenarioError{err}
	}
	ed := spec.Draft2023
	if len(s.Expect) > 0 {
		ed = s.Expect[0].Edition
	}
	if *tf.edition != "" {
		if ed, err = spec.ParseEdition(*tf.edition); err != nil {
			return catalog.Target{}, fmt.Errorf("--spec: %w", err)
		}
	}
	for _, kv := range *tf.settings {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return catalog.Target{}, fmt.Errorf("--set %q: want key=value", kv)
		}
	}
	t, err := catalog.NewTarget(s, ed, *tf.knobs, sortedSettings(*tf.settings))
	if err != nil {
		return catalog.Target{}, err
	}
	return t, nil
}

// sortedSettings returns --set's key=value settings sorted by key, so that
// the order of the flags does not change what identifies an exploration
// (its header, schedule file, shard summaries and their names: merge
// refuses summaries whose settings differ). The sort is stable: a key
// given twice stays twice, in its order, for the target's check to refuse.
// Each key is one setting, and the world takes each setting's value
// whatever the order of the others.
func sortedSettings(kvs []string) []string {
	key := func(kv string) string { k, _, _ := strings.Cut(kv, "="); return k }
	return slices.SortedStableFunc(slices.Values(kvs), func(a, b string) int { return strings.Compare(key(a), key(b)) })
}

// scenarioError is a scenario that does not load: a file that cannot be
// read, parsed or checked, or a name the catalog lacks (its error points to
// run --list). It is an input error (exit 2), not a mistake in the use of
// the flags: no usage hint follows it.
type scenarioError struct{ err error }

func (e scenarioError) Error() string { return e.err.Error() }
func (e scenarioError) Unwrap() error { return e.err }

// targetError reports an error of targetFlags.resolve: a scenario that does
// not load as it is, a flag mistake with the usage hint. Both exit 2.
func targetError(stderr io.Writer, cmd string, err error) int {
	if errors.As(err, new(scenarioError)) {
		fmt.Fprintf(stderr, "migsim %s: %s\n", cmd, usererr.Text(err))
		return cmdbase.ExitUsage
	}
	return cmdbase.UsageError(stderr, cmd, "%s", usererr.Text(err))
}

// targetText renders a target for headers: "NAME EDITION [knobs] [set:…]".
func targetText(t catalog.Target) string {
	return report.TargetText(t.Scenario.Name, t.Edition.String(), t.Knobs(), catalog.SettingStrings(t.Settings))
}

// parseShard parses "i/n" with 0 ≤ i < n ≤ report.MaxShards.
func parseShard(s string) (int, int, error) {
	if s == "" {
		return 0, 1, nil
	}
	var i, n int
	if _, err := fmt.Sscanf(s, "%d/%d", &i, &n); err != nil || fmt.Sprintf("%d/%d", i, n) != s {
		return 0, 0, fmt.Errorf("--shard %q: want i/n with 0 <= i < n <= %d, e.g. 0/4", s, report.MaxShards)
	}
	if n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: want 0 <= i < n", s)
	}
	if n > report.MaxShards {
		return 0, 0, fmt.Errorf("--shard %q: n %d: want 1..%d shards", s, n, report.MaxShards)
	}
	return i, n, nil
}
