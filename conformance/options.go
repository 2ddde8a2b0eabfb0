package conformance

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Option configures the kit.
type Option func(*config)

// config is the kit's configuration.
type config struct {
	editions  []spec.Edition
	knobs     map[string][]string
	budget    Budget
	reports   []reportSink
	scenarios []*scenario.Scenario
	device    bool
	catalog   bool
	replayDir string
	replayCmd func(path string) string
	ctx       context.Context
	progress  io.Writer
	err       error
}

type reportSink struct {
	format string
	w      io.Writer
}

// Budget bounds the catalog part of the kit. The zero value runs every
// row with the scenario's own exploration.
type Budget struct {
	// Schedules caps every exploration of a row (zero: the scenario's).
	// A row whose expected finding is not reached under the cap is
	// skipped as inconclusive, never failed.
	Schedules int `json:"schedules,omitempty"`
	// ShrinkReplays bounds the shrinking of a failing row's counterexample
	// (zero: the engine's default).
	ShrinkReplays int `json:"shrink_replays,omitempty"`
	// Jobs is the number of parallel runs of an exploration (zero:
	// GOMAXPROCS). Verdicts do not depend on it.
	Jobs int `json:"jobs,omitempty"`
	// MaxSteps bounds each run (zero: the catalog's default).
	MaxSteps int `json:"max_steps,omitempty"`
	// NoStatePruning explores dfs rows without state pruning. An external
	// device is hashed by the chain of its inputs (member.InputChained),
	// which keeps apart states the in-process device's hash merges: without
	// pruning, the counts of the explored text of the two compare.
	NoStatePruning bool `json:"no_state_pruning,omitempty"`
}

// ShortBudget is the budget of Short: a few schedules per exploration,
// enough for every row's expected verdict with the reference device, and
// a short shrink.
var ShortBudget = Budget{Schedules: 30, ShrinkReplays: 150}

func defaults() config { return config{device: true, catalog: true, ctx: context.Background()} }

// Editions limits the kit to the editions the device implements (default:
// those it declares, or both).
func Editions(eds ...spec.Edition) Option {
	return func(c *config) { c.editions = slices.Clone(eds) }
}

// Knobs declares the knob values the device implements, as "knob=value"
// (repeat a knob for several values). A knob named here keeps only the
// values listed; a knob not named keeps every value (a Go factory reads
// member.Config.Rules) or, for an external device, what its hello
// declared. Rows and device tests that need another value are skipped
// with the reason.
func Knobs(kvs ...string) Option {
	return func(c *config) {
		if c.knobs == nil {
			c.knobs = map[string][]string{}
		}
		seen := map[string]bool{}
		for _, kv := range kvs {
			var r spec.Rules
			if err := r.Parse(kv); err != nil {
				c.err = fmt.Errorf("conformance: knobs: %w", err)
				return
			}
			k, v, _ := strings.Cut(kv, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !seen[k] {
				seen[k], c.knobs[k] = true, nil
			}
			if !slices.Contains(c.knobs[k], v) {
				c.knobs[k] = append(c.knobs[k], v)
			}
		}
	}
}

// WithBudget sets the catalog's budget.
func WithBudget(b Budget) Option { return func(c *config) { c.budget = b } }

// Short uses ShortBudget (for go test -short).
func Short() Option { return WithBudget(ShortBudget) }

// WriteReport writes the report when the kit ends, as "text", "json" or
// "junit" (JUnit XML: one testcase per requirement, device test and row).
func WriteReport(format string, w io.Writer) Option {
	return func(c *config) {
		if !slices.Contains(ReportFormats, format) {
			c.err = fmt.Errorf("conformance: report format %q: want one of %s", format, strings.Join(ReportFormats, ", "))
			return
		}
		c.reports = append(c.reports, reportSink{format, w})
	}
}

// Scenarios limits the catalog part to the rows of the named scenarios:
// each a name of the embedded catalog or a path to a scenario file
// (SelectScenarios). A file's rows are judged as a catalog row is, after
// the catalog scenarios' rows, and its counterexamples record the file
// (and a copy of it) to replay with. An argument SelectScenarios refuses
// is an error, not a run of no rows.
func Scenarios(names ...string) Option {
	return func(c *config) {
		sel, err := SelectScenarios(names)
		if err != nil {
			c.err = fmt.Errorf("conformance: scenarios: %w", err)
			return
		}
		c.scenarios = nil
		for _, s := range sel {
			c.scenarios = append(c.scenarios, s.Scenario)
		}
	}
}

// SelectedScenario is a scenario one argument of Scenarios gave: the
// argument as given and the scenario it loaded.
type SelectedScenario struct {
	Arg      string
	Scenario *scenario.Scenario
}

// SelectScenarios loads the scenarios args name, as migsim run and
// explore tell names from paths (catalog.FindScenario: an argument with a
// '/' or the .scn suffix is a path): a catalog name the catalog lacks (with
// the nearest name) or a file that does not load (file:line:col, checked
// against the world's vocabulary) is an error, and so are two arguments
// that give one scenario name but differ (a file that declares a catalog
// scenario's name, two files of one name): their rows would have the same
// unit names. The same scenario given twice is selected once.
func SelectScenarios(args []string) ([]SelectedScenario, error) {
	var out []SelectedScenario
	for _, a := range args {
		s, err := catalog.FindScenario(a)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(out, func(o SelectedScenario) bool { return o.Scenario.Name == s.Name })
		switch {
		case i < 0:
			out = append(out, SelectedScenario{Arg: a, Scenario: s})
		case out[i].Scenario.Hash != s.Hash:
			return nil, fmt.Errorf("%s and %s both give scenario %s, and differ: their rows would have the same names; rename one (its scenario line) or run them apart", out[i].Arg, a, s.Name)
		}
	}
	return out, nil
}

// Parts chooses the kit's parts: the per-requirement device tests, the
// catalog rows, or both (the default).
func Parts(deviceTests, catalogRows bool) Option {
	return func(c *config) { c.device, c.catalog = deviceTests, catalogRows }
}

// ReplayDir is where the counterexample of a failing row is written (a
// schedule file); without it the kit writes under the system's temporary
// directory.
func ReplayDir(dir string) Option { return func(c *config) { c.replayDir = dir } }

// ReplayCommand sets how a report tells the replay of a schedule file
// (default: `migsim conform --device DEVICE --replay FILE` for a builtin:
// or exec: device, else the Go call conformance.Replay with the file).
func ReplayCommand(f func(path string) string) Option { return func(c *config) { c.replayCmd = f } }

// Context stops the kit when ctx ends: the rows so far are reported.
func Context(ctx context.Context) Option { return func(c *config) { c.ctx = ctx } }

// Progress writes one line per unit as the kit goes.
func Progress(w io.Writer) Option { return func(c *config) { c.progress = w } }
