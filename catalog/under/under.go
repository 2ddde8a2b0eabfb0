// Package under replays a schedule file's recorded choices under another
// edition, other knobs or other settings than the schedule's own (`migsim
// replay FILE --spec E --knob K=V --set K=V`; docs/engine.md, "Replaying
// under other rules"): the schedule's scenario and seed, the target the
// flags give, and the recorded choices followed leniently
// (engine.NewLenientReplay), since a run under other rules need not
// enable the steps the recorded run took. It says how closely the run
// followed the recording (Follow), so that a run without the recorded
// finding can be read as "the knob removes it" only when the run made the
// recorded interleaving.
package under

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/spec"
)

// Override is what the command line puts in place of the schedule's
// edition, knobs and settings. An empty Edition keeps the recorded one; a
// knob or a setting replaces the recorded one of the same name and adds to
// the others.
type Override struct {
	Edition  string
	Knobs    []string
	Settings []string
}

// Empty reports whether o overrides nothing: the plain, strict replay.
func (o Override) Empty() bool {
	return o.Edition == "" && len(o.Knobs) == 0 && len(o.Settings) == 0
}

// Target builds the target a replay under o runs: the schedule's scenario
// (catalog.ScheduleScenario), o's edition or the recorded one, the
// recorded knobs and settings with o's in place of those of the same name
// and added to them. A recorded knob that does not apply to o's edition
// (another edition's) is left out and returned in dropped: the run is
// then under the new edition's default for it. The recorded knobs are
// those that differ from the recorded edition's defaults; every other
// knob takes the new edition's default. Errors are those `migsim explore`
// gives for the same flags: an unknown knob, value or setting, a knob of
// another edition, a setting the scenario does not allow.
func Target(sc *schedfile.Schedule, o Override) (t catalog.Target, dropped []string, err error) {
	s, err := catalog.ScheduleScenario(sc)
	if err != nil {
		return catalog.Target{}, nil, err
	}
	edName := sc.Edition
	if o.Edition != "" {
		edName = o.Edition
	}
	ed, err := spec.ParseEdition(edName)
	if err != nil {
		if o.Edition != "" {
			return catalog.Target{}, nil, fmt.Errorf("--spec: %w", err)
		}
		return catalog.Target{}, nil, fmt.Errorf("catalog: schedule: field edition: %w", err)
	}
	for _, kv := range o.Settings {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return catalog.Target{}, nil, fmt.Errorf("--set %q: want key=value", kv)
		}
	}
	var knobs []string
	for _, kv := range sc.Knobs {
		switch name := keyOf(kv); {
		case slices.ContainsFunc(o.Knobs, func(k string) bool { return keyOf(k) == name }):
		case spec.CheckKnobApplies(ed, name) != nil:
			dropped = append(dropped, kv)
		default:
			knobs = append(knobs, kv)
		}
	}
	knobs = append(knobs, o.Knobs...)
	var settings []string
	for _, kv := range sc.Settings {
		if !slices.ContainsFunc(o.Settings, func(k string) bool { return keyOf(k) == keyOf(kv) }) {
			settings = append(settings, kv)
		}
	}
	settings = append(settings, o.Settings...)
	// Sorted by key as explore sorts --set (stable: a key the command line
	// gives twice stays twice, for the target's check to refuse).
	slices.SortStableFunc(settings, func(a, b string) int { return strings.Compare(keyOf(a), keyOf(b)) })
	t, err = catalog.NewTarget(s, ed, knobs, settings)
	return t, dropped, err
}

// keyOf returns the name of a key=value knob or setting.
func keyOf(kv string) string {
	k, _, _ := strings.Cut(kv, "=")
	return strings.TrimSpace(k)
}

// Replay runs sc's seed on t, following sc's recorded choices leniently,
// with at most maxSteps steps, and returns the run, how closely it
// followed the recording, and the run as a schedule of t (which a strict
// replay on t reproduces: what --trace, --slice and --explain replay).
func Replay(t catalog.Target, sc *schedfile.Schedule, maxSteps int) (engine.Result, Follow, *schedfile.Schedule, error) {
	t.MaxSteps = maxSteps
	f, err := t.Factory(sc.Seed)
	if err != nil {
		return engine.Result{}, Follow{}, nil, err
	}
	res, err := engine.Run(f, sc.Seed, engine.NewLenientReplay(sc.Choices), engine.RunConfig{MaxSteps: maxSteps})
	if err != nil {
		return res, Follow{}, nil, fmt.Errorf("engine: seed %d: %w", sc.Seed, err)
	}
	run := t.Schedule(sc.Strategy, sc.BaseSeed, sc.Index, res)
	return res, Compare(sc.Choices, res.Choices), run, nil
}
