package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/merge"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/buildinfo"
	"github.com/migsim/migsim/internal/inputfile"
	"github.com/migsim/migsim/internal/jsonpath"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/scenario"
)

// ShardFileFormat is the version of the shard summary files explore writes
// with --shard and merge reads. Version 2 added the shrink's Executed count
// (engine.ShrinkResult), version 3 the checksum, version 4 the shrunk
// finding's explanation (explain.Explanation), version 5 the schedule in
// format 3 (its seeds as strings), version 6 what else identifies the
// exploration (the scenario's hash, the step bound, state pruning) and
// shard 0/1, version 7 the schedule in format 4 (the scenario hash of what
// its runs depend on, as the report's scenario_hash now is), the
// summary's DistinctCapped and the build identity (Build: the module
// version alone is "devel" for every unversioned build), version 8 the
// target as data (report.scenario, edition, knobs and settings, which the
// JSON documents of explore and merge read instead of the header's
// text); merge refuses files of another version.
const ShardFileFormat = 8

// MaxShards bounds the shard count a shard summary file states, and the n
// of explore's --shard i/n: far more processes than anyone runs, and a
// bound on what a count read from a file may ask for.
const MaxShards = 1_000_000

// ShardFile is a shard's summary file: the report explore printed, as
// JSON (the summary under engine.Summary's field names), and the file name
// the unsharded schedule would have.
type ShardFile struct {
	// Format is ShardFileFormat; Module the version of the module that
	// wrote the file (engine.ModuleVersion); Build the identity of the
	// migsim build that wrote it (buildinfo.Running: its VCS revision, or
	// its executable's hash), which tells apart the builds Module calls
	// "devel". Schedule files record Module only: they stay the same
	// across builds.
	Format int    `json:"format"`
	Module string `json:"module"`
	Build  string `json:"build"`
	// ScheduleName is the name the unsharded schedule file of the shrunk
	// finding has (catalog.ScheduleRegressName; "" without a finding).
	ScheduleName string `json:"schedule_name,omitempty"`
	// Report is the shard's report.
	Report Exploration `json:"report"`
	// Checksum is a hash of every other field: a summary changed after
	// explore wrote it is refused, as a schedule file is.
	Checksum string `json:"checksum"`
}

// checksum hashes every field but Checksum.
func (sf *ShardFile) checksum() (string, error) {
	c := *sf
	c.Checksum = ""
	return schedfile.Checksum(&c)
}

// ShardName inserts ".shard-I-of-N" before suffix in a file name ending in
// .json; unsharded names (shards 0: no --shard) get suffix only. A shard's
// schedule file is named with suffix ".json", its summary file with
// ".summary.json".
func ShardName(name, suffix string, shard, shards int) string {
	base := name[:len(name)-len(filepath.Ext(name))]
	if shards > 0 {
		base += fmt.Sprintf(".shard-%d-of-%d", shard, shards)
	}
	return base + suffix
}

// ShardSummaryPath is where shard of shards of an exploration of t writes
// its summary in dir.
func ShardSummaryPath(dir string, t catalog.Target, shard, shards int) string {
	return filepath.Join(dir, ShardName(catalog.RegressName(t.Scenario.Name, t.Edition, t.Knobs(),
		catalog.SettingStrings(t.Settings)), ".summary.json", shard, shards))
}

// ShardSummaries lists the summary files of paths: the *.summary.json
// files of a directory, a file as it is.
func ShardSummaries(paths []string) ([]string, error) {
	var files []string
	for _, a := range paths {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("shard summary or directory of them: %w", err)
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.summary.json"))
		if err != nil {
			return nil, err
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("%s: no shard summaries (*.summary.json)", a)
		}
		files = append(files, m...)
	}
	return files, nil
}

// CheckShardOverwrite refuses, before any work, to overwrite at path the
// summary of another exploration of the same target (another budget, seed
// or bound: the file name does not say them). The same exploration run
// again, and a file that is not a summary this build reads, are replaced.
func CheckShardOverwrite(path string, rep *Exploration) error {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	old, err := ReadShardFile(path)
	if err != nil || (old.Report.Target == rep.Target && old.Report.Budget == rep.Budget && old.Report.MaxSteps == rep.MaxSteps) {
		return nil // the same exploration, perhaps of an edited scenario: replaced
	}
	return fmt.Errorf("%s holds the summary of another exploration (%s: %s), which this one (%s) would replace: use another --out, or remove it",
		path, old.Report.Target, old.Report.Budget, rep.Budget)
}

// StaleShardSchedule returns the schedule file the shard summary at path
// names when this run of shard of shards, which ran to its end and wrote
// its files in dir, does not write it again (kept is the schedule file
// this run wrote, "" for none): the same exploration run again after the
// scenario or the device changed may find nothing, and the old schedule
// would sit beside a summary that does not name it. The schedule's name
// depends on the target alone, so a run with another finding writes over
// it instead. CheckShardOverwrite made sure the summary at path is this
// exploration's, or not one this build reads (then there is none). The
// caller removes it once the new summary is written.
func StaleShardSchedule(path, dir string, shard, shards int, kept string) string {
	old, err := ReadShardFile(path)
	if err != nil || old.ScheduleName == "" {
		return ""
	}
	stale := filepath.Join(dir, ShardName(old.ScheduleName, ".json", shard, shards))
	if stale == kept {
		return ""
	}
	return stale
}

// WriteShardFile writes a shard's report to path as its summary file,
// replacing the file there whole (keepfile.Replace).
func WriteShardFile(path string, rep *Exploration) error {
	sf := ShardFile{Format: ShardFileFormat, Module: engine.ModuleVersion(), Build: buildinfo.Running(), Report: *rep}
	// The wall-clock time stays out: the same shard run again writes the
	// same bytes (docs/scale.md). Merge checks no time, and the shard
	// printed its throughput when it ran. So do --fork's counts, which
	// depend on --fork and, for random and pct, on --jobs (a copy a job):
	// the shard printed them on stderr, and merge reads none.
	sf.Report.Summary.Elapsed, sf.Report.Summary.Fork = 0, nil
	if rep.Schedule != nil {
		sf.ScheduleName = catalog.ScheduleRegressName(rep.Schedule)
	}
	sum, err := sf.checksum()
	if err != nil {
		return fmt.Errorf("shard summary %s: encode: %w", path, err)
	}
	sf.Checksum = sum
	b, err := json.MarshalIndent(&sf, "", "  ")
	if err != nil {
		return fmt.Errorf("shard summary %s: encode: %w", path, err)
	}
	// Whole or not at all: a shard killed while it writes (a pod's grace
	// period ended) leaves the summary of its last run, or none, never a
	// truncated one that merge would refuse as malformed.
	if err := keepfile.Replace(path, append(b, '\n')); err != nil {
		return fmt.Errorf("shard summary: %w", err)
	}
	return nil
}

// ReadShardFile reads and checks a shard summary file (ParseShardFile);
// errors name the file.
func ReadShardFile(path string) (*ShardFile, error) {
	b, err := inputfile.ReadFile(path, inputfile.ShardSummary)
	if err != nil {
		return nil, fmt.Errorf("shard summary: %w", err)
	}
	sf, err := ParseShardFile(b)
	if err != nil {
		return nil, fmt.Errorf("shard summary %s: %w", path, err)
	}
	return sf, nil
}

// newerFormat returns the version of a summary b states when it is newer
// than ShardFileFormat: a later migsim's, whose fields this build may not
// know. ok is false for this version or an older one (whose fields this
// build's decoder names), or none that reads as a number.
func newerFormat(b []byte) (version int, ok bool) {
	var probe struct {
		Format *int `json:"format"`
	}
	if json.Unmarshal(b, &probe) != nil || probe.Format == nil || *probe.Format <= ShardFileFormat {
		return 0, false
	}
	return *probe.Format, true
}

// ParseShardFile decodes a shard summary strictly (unknown fields are
// errors) and checks what merge relies on: the format version, the
// checksum and that of the schedule it embeds, counts that hold together, a shard of at most MaxShards, a
// budget text that says what its fields do (checkBudgetText), a schedule that goes with its name and shrink result, an explanation
// that fits the shrunk run. Errors name the field or the byte offset.
func ParseShardFile(b []byte) (*ShardFile, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var sf ShardFile
	if err := dec.Decode(&sf); err != nil {
		var probe map[string]json.RawMessage
		if json.Unmarshal(b, &probe) == nil && probe["report"] == nil && probe["choices"] != nil {
			return nil, errors.New("a schedule file (migsim replay reads it), not a shard summary (*.summary.json)")
		}
		if v, ok := newerFormat(b); ok {
			// A newer version may add fields or change them: its
			// version says what is wrong, the field does not.
			return nil, fmt.Errorf("field format: version %d, want %d", v, ShardFileFormat)
		}
		if uerr := jsonpath.UnknownFieldError(err, b, reflect.TypeFor[ShardFile]()); uerr != err {
			return nil, uerr
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn) && syn.Offset == 1 && inputfile.HasBOM(b):
			// Saved by an editor that writes a byte-order mark: the
			// decoder names its first byte as the character 'ï'.
			return nil, fmt.Errorf("malformed JSON at byte offset 0: %w", inputfile.BOMError("JSON"))
		case errors.As(err, &syn):
			return nil, fmt.Errorf("malformed JSON at byte offset %d: %w", syn.Offset, err)
		case errors.As(err, &typ) && typ.Field == "":
			return nil, fmt.Errorf("not a JSON object: the file holds a JSON %s", jsonpath.ValueKind(typ.Value))
		case errors.As(err, &typ):
			// The decoder names a field without its array indexes
			// (report.summary.x for every element of an array).
			// A schedule decodes itself: an offset inside one counts
			// from its start (jsonpath.MismatchOf).
			m := jsonpath.MismatchOf(b, typ)
			return nil, fmt.Errorf("field %s: got JSON %s, want %s (byte offset %d)", m.Path, m.Got, m.Want, m.Offset)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("truncated at byte %d of %d: the JSON does not end", len(b), len(b))
		case errors.Is(err, io.EOF):
			return nil, errors.New("empty file")
		}
		return nil, fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data at byte offset %d", dec.InputOffset())
	}
	if jsonpath.IsNull(b) {
		return nil, errors.New("not a JSON object: the file holds JSON null")
	}
	r, sum := &sf.Report, &sf.Report.Summary
	if sf.Format < 1 {
		// Every summary since the first says its version: none is 0.
		return nil, fmt.Errorf("field format: version %d, want %d: no migsim writes it (missing, or not a version): not a shard summary (explore --shard writes *.summary.json)", sf.Format, ShardFileFormat)
	}
	if sf.Format < ShardFileFormat {
		return nil, fmt.Errorf("field format: version %d, want %d: an older migsim wrote it (before version 8 a summary named its target only as text): explore the shard again with this build", sf.Format, ShardFileFormat)
	}
	if sf.Format != ShardFileFormat {
		return nil, fmt.Errorf("field format: version %d, want %d", sf.Format, ShardFileFormat)
	}
	if want, err := sf.checksum(); err != nil || want != sf.Checksum {
		return nil, errors.New("field checksum: does not match the rest of the summary: it was changed after explore wrote it")
	}
	switch {
	case sf.Build == "":
		return nil, errors.New("field build: empty, want the identity of the migsim build that wrote the summary")
	case r.Target == "" || r.Budget == "":
		return nil, errors.New("field report.target or report.budget: empty")
	case r.Scenario == "" || r.Edition == "":
		return nil, errors.New("field report.scenario or report.edition: empty")
	case r.Target != TargetText(r.Scenario, r.Edition, r.Knobs, r.Settings):
		return nil, fmt.Errorf("field report.target: %q, but report.scenario, edition, knobs and settings say %q",
			r.Target, TargetText(r.Scenario, r.Edition, r.Knobs, r.Settings))
	case r.ScenarioHash == "":
		return nil, errors.New("field report.scenario_hash: empty")
	case r.MaxSteps < 1 || r.MaxSteps > scenario.MaxSteps:
		return nil, fmt.Errorf("field report.max_steps: %d, want a step bound of 1..%d (--max-steps)", r.MaxSteps, scenario.MaxSteps)
	case r.Strategy != engine.StrategyRandom && r.Strategy != engine.StrategyPCT && r.Strategy != engine.StrategyDFS:
		return nil, fmt.Errorf("field report.strategy: %q, want random, pct or dfs", r.Strategy)
	case sum.Strategy != r.Strategy:
		return nil, fmt.Errorf("field report.summary.Strategy: %q, report.strategy is %q", sum.Strategy, r.Strategy)
	case sum.Shards > MaxShards:
		return nil, fmt.Errorf("field report.summary.Shards: %d, want at most %d", sum.Shards, MaxShards)
	case sum.Shards < 1 || sum.Shard < 0 || sum.Shard >= sum.Shards:
		return nil, fmt.Errorf("field report.summary.Shard: %d/%d is not a shard", sum.Shard, sum.Shards)
	case r.Schedules < 1 || r.Schedules > scenario.MaxSchedules:
		return nil, fmt.Errorf("field report.schedules: %d, want a budget of 1..%d (--schedules)", r.Schedules, scenario.MaxSchedules)
	case r.Bound < -1 || r.Bound > scenario.MaxBound:
		return nil, fmt.Errorf("field report.bound: %d, want a preemption bound of -1..%d (--bound)", r.Bound, scenario.MaxBound)
	case sf.ScheduleName != "" && (sf.ScheduleName != filepath.Base(sf.ScheduleName) ||
		!strings.HasSuffix(sf.ScheduleName, ".json") || strings.HasPrefix(sf.ScheduleName, ".")):
		return nil, fmt.Errorf("field schedule_name: %q is not a schedule file name", sf.ScheduleName)
	case (r.Schedule == nil) != (sf.ScheduleName == "") || (r.Schedule == nil) != (r.Shrunk == nil):
		return nil, errors.New("field report.schedule: schedule, its name and its shrink result go together")
	case r.Schedule != nil && len(sum.Findings) == 0:
		return nil, errors.New("field report.schedule: a schedule without a finding")
	case r.NotShrunk && (r.Shrunk == nil || r.Shrunk.Before != r.Shrunk.After):
		return nil, errors.New("field report.not_shrunk: set, yet no finding as found (no shrink result, or one that changed its size)")
	}
	if err := checkShardCounts(r); err != nil {
		return nil, err
	}
	if err := checkBudgetText(r); err != nil {
		return nil, err
	}
	if r.Schedule != nil {
		if err := r.Schedule.Validate(); err != nil {
			return nil, fmt.Errorf("field report.schedule: %w", err)
		}
		if err := checkScheduleSum(r.Schedule); err != nil {
			return nil, err
		}
	}
	for i, f := range sum.Findings {
		if f.Finding.Oracle == "" {
			return nil, fmt.Errorf("field report.summary.Findings[%d].Finding.oracle: empty", i)
		}
	}
	if err := checkExplained(r); err != nil {
		return nil, err
	}
	if err := checkNarrowed(r); err != nil {
		return nil, err
	}
	return &sf, nil
}

// checkNarrowed checks a shard's narrowed slice against its shrunk run:
// the steps are of that run, ascending, each once, and the counts are not
// negative.
func checkNarrowed(r *Exploration) error {
	n := r.Narrowed
	if n == nil {
		return nil
	}
	if r.Shrunk == nil {
		return errors.New("field report.narrowed: a narrowed slice without a shrunk finding")
	}
	if n.Runs < 0 || n.Check.Pulled < 0 || n.Check.Unrecorded < 0 {
		return fmt.Errorf("field report.narrowed: counts runs %d, pulled %d, unrecorded %d: negative", n.Runs, n.Check.Pulled, n.Check.Unrecorded)
	}
	steps := len(r.Shrunk.Result.Choices)
	for i, x := range n.Slice {
		if x < 0 || x >= steps || (i > 0 && x <= n.Slice[i-1]) {
			return fmt.Errorf("field report.narrowed.slice[%d]: step %d in a run of %d steps, after %v", i, x, steps, n.Slice[:i])
		}
	}
	return nil
}

// checkScheduleSum checks the embedded schedule's own checksum (format 2
// and later). The summary's checksum covers the schedule as it encodes
// again, which seals it anew, so a schedule edited and resealed with the
// summary would pass that check with a stale checksum of its own; merge
// writes the schedule sealed again, and would hide the edit.
func checkScheduleSum(s *schedfile.Schedule) error {
	if s.Format == schedfile.FormatV1 {
		return nil
	}
	want, err := s.Sum()
	if err != nil {
		return fmt.Errorf("field report.schedule.checksum: %w", err)
	}
	if want != s.Checksum {
		return fmt.Errorf("field report.schedule.checksum: %q, but the schedule's fields hash to %s: the schedule was changed after explore wrote it",
			s.Checksum, want)
	}
	return nil
}

// checkExplained checks a shard's explanation against its shrunk run:
// every order names two steps of it, the earlier first, and the counts
// are not negative.
func checkExplained(r *Exploration) error {
	ex := r.Explained
	if ex == nil {
		return nil
	}
	if r.Shrunk == nil {
		return errors.New("field report.explained: an explanation without a shrunk finding")
	}
	if ex.Steps < 0 || ex.Checked < 0 || ex.Checked > ex.Steps || ex.Runs < 0 || ex.Unpinned < 0 {
		return fmt.Errorf("field report.explained: counts steps %d, checked %d, runs %d, unpinned %d do not fit",
			ex.Steps, ex.Checked, ex.Runs, ex.Unpinned)
	}
	n := len(r.Shrunk.Result.Choices)
	for i, o := range ex.Orders {
		if o.Before < 0 || o.Before >= o.After || o.After >= n || (o.Moved != o.Before && o.Moved != o.After) {
			return fmt.Errorf("field report.explained.orders[%d]: steps %d before %d (moved %d) in a run of %d steps", i, o.Before, o.After, o.Moved, n)
		}
	}
	return nil
}

// checkShardCounts checks the counts of a shard's summary against each
// other and against its budget, as every summary explore writes has them
// (the engine's ExploreConfig with MergeData, without StopOnFinding):
//
//   - none negative; the distinct interleavings listed, sorted, each once,
//     at most one per schedule and at least one when there are schedules;
//     at least one failing run per finding, and a run has at most
//     MaxSteps decisions;
//   - random and pct run the schedule indices ≡ Shard (mod Shards) below
//     the budget (ShardShare), all of them unless interrupted, and count
//     only those; pct also runs the first PCTLearnSchedules in full. Each
//     schedule run is executed once (a memo miss, or a memo hit checked
//     again: Memo.Verified) or answered by the memo (Memo.Hits): executed
//     plus hits minus verified is the schedules run, exactly unless
//     interrupted.
//     Their findings are at their own indices, with those indices' seeds;
//     they prune nothing and have no subtrees;
//   - dfs counts its complete and pruned runs, and executes its own and
//     the runs above the split into other shards' subtrees, within the
//     budget; every complete run is executed; a shard that neither
//     exhausted its part nor was interrupted spent its budget, and then
//     executed + pruned covers it (a pruned run that was not executed
//     stood for a known transition). Its subtrees are its own (subtree i
//     belongs to shard i mod n), each once, and their runs add up to its
//     complete runs; its findings sit in them, run with schedule 0's
//     seed. Without a preemption bound no bound cut a pick.
func checkShardCounts(r *Exploration) error {
	sum := &r.Summary
	for _, c := range []struct {
		name string
		v    int64
	}{
		{"Schedules", int64(sum.Schedules)}, {"Pruned", int64(sum.Pruned)}, {"Decisions", sum.Decisions},
		{"Distinct", int64(sum.Distinct)}, {"Failing", int64(sum.Failing)}, {"StateHits", int64(sum.StateHits)},
		{"Executed", int64(sum.Executed)}, {"ExecutedDecisions", sum.ExecutedDecisions}, {"Memo.Hits", int64(sum.Memo.Hits)}, {"Memo.Verified", int64(sum.Memo.Verified)},
		{"StatesFullAt", int64(sum.StatesFullAt)}, {"TransitionsFullAt", int64(sum.TransitionsFullAt)}, {"StateCap", int64(sum.StateCap)},
	} {
		if c.v < 0 {
			return fmt.Errorf("field report.summary.%s: %d is negative", c.name, c.v)
		}
	}
	switch {
	case sum.Distinct > sum.Schedules:
		return fmt.Errorf("field report.summary.Distinct: %d distinct interleavings in %d schedules", sum.Distinct, sum.Schedules)
	case sum.Distinct == 0 && sum.Schedules > 0:
		return fmt.Errorf("field report.summary.Distinct: no interleaving in %d schedules", sum.Schedules)
	case len(sum.Interleavings) != sum.Distinct:
		return fmt.Errorf("field report.summary.Interleavings: %d listed, Distinct says %d", len(sum.Interleavings), sum.Distinct)
	case sum.Failing > sum.Schedules+sum.Pruned:
		return fmt.Errorf("field report.summary.Failing: %d failing runs in %d", sum.Failing, sum.Schedules+sum.Pruned)
	case sum.Failing < len(sum.Findings):
		return fmt.Errorf("field report.summary.Failing: %d failing runs for %d findings", sum.Failing, len(sum.Findings))
	case r.MaxSteps > 0 && sum.Decisions > 0 && (sum.Decisions-1)/int64(r.MaxSteps) >= int64(sum.Schedules): // more than Schedules × MaxSteps
		return fmt.Errorf("field report.summary.Decisions: %d decisions in %d schedules of at most %d steps", sum.Decisions, sum.Schedules, r.MaxSteps)
	case r.MaxSteps > 0 && sum.ExecutedDecisions > 0 && (sum.ExecutedDecisions-1)/int64(r.MaxSteps) >= int64(sum.Executed): // more than Executed × MaxSteps
		return fmt.Errorf("field report.summary.ExecutedDecisions: %d decisions in %d executed runs of at most %d steps", sum.ExecutedDecisions, sum.Executed, r.MaxSteps)
	case sum.Memo.Verified > sum.Memo.Hits:
		return fmt.Errorf("field report.summary.Memo.Verified: %d memo hits checked of %d", sum.Memo.Verified, sum.Memo.Hits)
	case sum.StatesFullAt > r.Schedules || sum.TransitionsFullAt > r.Schedules:
		return fmt.Errorf("field report.summary.StatesFullAt: the state table full at run %d, the known transitions at run %d, with a budget of %d runs",
			sum.StatesFullAt, sum.TransitionsFullAt, r.Schedules)
	case (sum.StatesFullAt > 0 || sum.TransitionsFullAt > 0) != (sum.StateCap > 0),
		sum.StateCap > 0 && (sum.StateCap < engine.MinStateCap || sum.StateCap > engine.MaxStateCap):
		return fmt.Errorf("field report.summary.StateCap: %d, want %d..%d (--state-cap) when a table was full (state table full at run %d, known transitions at run %d), else 0",
			sum.StateCap, engine.MinStateCap, engine.MaxStateCap, sum.StatesFullAt, sum.TransitionsFullAt)
	case sum.SplitDepth < 0 || sum.SplitDepth > scenario.MaxBound:
		return fmt.Errorf("field report.summary.SplitDepth: %d, want 0..%d (--split-depth)", sum.SplitDepth, scenario.MaxBound)
	case int(sum.Reduction) < 0 || int(sum.Reduction) >= len(engine.Reductions):
		return fmt.Errorf("field report.summary.Reduction: %d, want 0..%d (%s)", sum.Reduction, len(engine.Reductions)-1, strings.Join(engine.Reductions, ", "))
	}
	for i := 1; i < len(sum.Interleavings); i++ {
		if sum.Interleavings[i] <= sum.Interleavings[i-1] {
			return fmt.Errorf("field report.summary.Interleavings[%d]: not sorted, or listed twice", i)
		}
	}
	oracles := map[string]bool{}
	for i, f := range sum.Findings {
		// -1: seen before the first step (nothing could run), as a
		// schedule file's finding.step may be.
		if f.Finding.Step < -1 || f.Finding.Step > r.MaxSteps {
			return fmt.Errorf("field report.summary.Findings[%d].Finding.step: %d, in a run of at most %d steps", i, f.Finding.Step, r.MaxSteps)
		}
		if oracles[f.Finding.Oracle] || (i > 0 && f.Index <= sum.Findings[i-1].Index) {
			return fmt.Errorf("field report.summary.Findings[%d]: oracle %q at #%d: findings are the first of each oracle, by index", i, f.Finding.Oracle, f.Index)
		}
		oracles[f.Finding.Oracle] = true
	}
	if sum.Strategy == engine.StrategyDFS {
		return checkDFSCounts(r)
	}
	own := ShardShare(r.Schedules, sum.Shard, sum.Shards)
	ran := own
	if sum.Strategy == engine.StrategyPCT {
		learn := min(r.Schedules, engine.PCTLearnSchedules)
		ran += learn - ShardShare(learn, sum.Shard, sum.Shards)
	}
	done := sum.Executed + sum.Memo.Hits - sum.Memo.Verified
	switch {
	case sum.Schedules > own || (sum.Schedules < own && !sum.Interrupted):
		return fmt.Errorf("field report.summary.Schedules: %d, but shard %d/%d of %d schedules runs %d", sum.Schedules, sum.Shard, sum.Shards, r.Schedules, own)
	case sum.Executed > ran || sum.Memo.Hits > ran || done > ran || (done < ran && !sum.Interrupted):
		return fmt.Errorf("field report.summary.Executed: %d executed and %d memo hits (%d checked again), but shard %d/%d of %d schedules runs %d",
			sum.Executed, sum.Memo.Hits, sum.Memo.Verified, sum.Shard, sum.Shards, r.Schedules, ran)
	case sum.Pruned > 0 || sum.StateHits > 0 || len(sum.Subtrees) > 0 || sum.Complete || sum.BoundHit:
		return fmt.Errorf("field report.summary: pruned runs, state hits, subtrees or a complete or bounded search in a %s exploration", sum.Strategy)
	}
	for i, f := range sum.Findings {
		if f.Index < 0 || f.Index >= r.Schedules || sum.Shards < 1 || f.Index%sum.Shards != sum.Shard || f.Seed != engine.ScheduleSeed(sum.Seed, f.Index) {
			return fmt.Errorf("field report.summary.Findings[%d]: schedule #%d (seed %d) is not one of shard %d/%d's", i, f.Index, f.Seed, sum.Shard, sum.Shards)
		}
	}
	return nil
}

// checkDFSCounts checks a dfs shard's counts (checkShardCounts).
func checkDFSCounts(r *Exploration) error {
	sum := &r.Summary
	switch {
	case sum.Schedules+sum.Pruned > r.Schedules || sum.Executed > r.Schedules:
		return fmt.Errorf("field report.summary.Executed: %d runs executed, %d complete and %d pruned, with a budget of %d",
			sum.Executed, sum.Schedules, sum.Pruned, r.Schedules)
	case sum.Executed < sum.Schedules:
		return fmt.Errorf("field report.summary.Executed: %d runs executed for %d complete ones", sum.Executed, sum.Schedules)
	case !sum.Complete && !sum.Interrupted && sum.Executed+sum.Pruned < r.Schedules:
		return fmt.Errorf("field report.summary.Complete: neither exhausted nor interrupted, yet %d runs executed and %d pruned leave the budget of %d unspent",
			sum.Executed, sum.Pruned, r.Schedules)
	case r.Bound < 0 && sum.BoundHit:
		return errors.New("field report.summary.BoundHit: set without a preemption bound")
	case (sum.Shards > 1 || sum.SplitDepth > 0) && sum.Executed < sum.Schedules+sum.Pruned:
		// KnownRuns would count the difference as known transitions, which a split search keeps none of.
		return fmt.Errorf("field report.summary.Executed: %d runs executed for %d complete and %d pruned, but a split search runs every run it counts",
			sum.Executed, sum.Schedules, sum.Pruned)
	}
	runs := map[int]int{}
	total := 0
	for i, st := range sum.Subtrees {
		_, seen := runs[st.ID]
		if st.ID < 0 || st.Runs < 0 || sum.Shards < 1 || st.ID%sum.Shards != sum.Shard || seen {
			return fmt.Errorf("field report.summary.Subtrees[%d]: subtree %d (%d runs) is not shard %d/%d's, or is listed twice",
				i, st.ID, st.Runs, sum.Shard, sum.Shards)
		}
		runs[st.ID] = st.Runs
		total += st.Runs
	}
	if total != sum.Schedules {
		return fmt.Errorf("field report.summary.Subtrees: %d runs in the subtrees, Schedules says %d", total, sum.Schedules)
	}
	for i, f := range sum.Findings {
		n, ok := runs[f.Subtree]
		if !ok || f.SubtreeIndex < 0 || f.SubtreeIndex >= n || f.Index < f.SubtreeIndex || f.Index >= sum.Schedules ||
			f.Seed != engine.ScheduleSeed(sum.Seed, 0) {
			return fmt.Errorf("field report.summary.Findings[%d]: run #%d (#%d of subtree %d, seed %d) is not in this shard's subtrees",
				i, f.Index, f.SubtreeIndex, f.Subtree, f.Seed)
		}
	}
	return nil
}

// MergeOptions say what merge takes on trust.
type MergeOptions struct {
	// TrustBuild merges summaries whose build identity names no one build
	// (buildinfo.Identified: "unknown", or a modified tree's revision
	// without its executable's hash) as one build's, which merge cannot
	// check (`migsim merge --trust-build`).
	TrustBuild bool
}

// MergeShardFiles reads the shard summary files (ReadShardFile) and
// combines them as MergeShards does. A file given twice (by the same
// path, or by two paths to one file) is an error naming it. When ctx ends
// (an interrupt) it stops reading, with an error that wraps ctx's.
func MergeShardFiles(ctx context.Context, files []string, opt MergeOptions) (*Exploration, string, error) {
	shards := make([]*ShardFile, 0, len(files))
	stats := make([]os.FileInfo, 0, len(files))
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, "", fmt.Errorf("interrupted after reading %d of %d shard summaries: %w", i, len(files), err)
		}
		st, err := os.Stat(f)
		if err != nil {
			return nil, "", fmt.Errorf("shard summary: %w", err)
		}
		for j, o := range stats {
			switch {
			case !os.SameFile(o, st):
			case files[j] == f:
				return nil, "", fmt.Errorf("shard summary %s is given twice", f)
			default:
				return nil, "", fmt.Errorf("shard summaries %s and %s are one file, given twice", files[j], files[i])
			}
		}
		stats = append(stats, st)
		sf, err := ReadShardFile(f)
		if err != nil {
			return nil, "", err
		}
		shards = append(shards, sf)
	}
	return MergeShards(shards, files, opt)
}

// explorationField returns the first field of the summary file in which
// b's exploration differs from a's, with a's and b's values as a message
// shows them, quoted, or a list as its JSON array ("" when they are one
// exploration): what the shards of one exploration share.
func explorationField(a, b *ShardFile) (field, va, vb string) {
	x, y := &a.Report, &b.Report
	for _, f := range []struct{ name, a, b string }{
		{"report.scenario", x.Scenario, y.Scenario},
		{"report.edition", x.Edition, y.Edition},
		{"report.knobs", jsonList(x.Knobs), jsonList(y.Knobs)},
		{"report.settings", jsonList(x.Settings), jsonList(y.Settings)},
		{"report.target", x.Target, y.Target},
		{"report.scenario_hash", x.ScenarioHash, y.ScenarioHash},
		{"report.max_steps", fmt.Sprint(x.MaxSteps), fmt.Sprint(y.MaxSteps)},
		{"report.strategy", x.Strategy, y.Strategy},
		{"report.bound", fmt.Sprint(x.Bound), fmt.Sprint(y.Bound)},
		{"report.schedules", fmt.Sprint(x.Schedules), fmt.Sprint(y.Schedules)},
		{"report.states", fmt.Sprint(x.States), fmt.Sprint(y.States)},
		{"report.budget", x.Budget, y.Budget},
		{"module", a.Module, b.Module},
		{"build", a.Build, b.Build},
	} {
		if f.a != f.b {
			if f.name == "report.knobs" || f.name == "report.settings" {
				return f.name, f.a, f.b // JSON arrays already
			}
			return f.name, strconv.Quote(f.a), strconv.Quote(f.b)
		}
	}
	return "", "", ""
}

// jsonList renders a list of strings as the summary file holds it, a JSON
// array (["flr-vs-mode=hold-reply"]), for a message that quotes the field.
func jsonList(vs []string) string {
	if vs == nil {
		vs = []string{}
	}
	b, _ := json.Marshal(vs) // a []string always marshals
	return string(b)
}

// checkIdentified refuses shards of one exploration whose build identity,
// the same in all of them (explorationField), names no one build: builds
// without VCS stamping whose executables could not be read all record
// "unknown", so their summaries would merge as one build's whatever
// built them. One summary alone has nothing to be told apart from;
// opt.TrustBuild takes the user's word for it.
func checkIdentified(shards []*ShardFile, files []string, opt MergeOptions) error {
	build := shards[0].Build
	if len(shards) < 2 || opt.TrustBuild || buildinfo.Identified(build) {
		return nil
	}
	named := strings.Join(files[:min(len(files), 3)], ", ")
	if len(files) > 3 {
		named += fmt.Sprintf(" and %d more", len(files)-3)
	}
	return fmt.Errorf("%s: field build is %q in every summary, which names no one build (it had no VCS revision to record, or a modified tree's, and its executable could not be read to hash), so nothing shows that one build wrote them: explore every shard with one binary built in a git checkout or whose executable can be read (migsim version prints its build line), or pass --trust-build if you know one build wrote them all",
		named, build)
}

// MergeShards combines shard summaries, as ParseShardFile returns them
// (files[i] names shards[i] in errors), into the report one process
// exploring everything gives (package engine/merge), with the name of the
// first finding's schedule file ("" without a finding). Shards of
// different explorations (explorationField) are an error naming both
// files and the field. Shards that all record one build identity that
// names no one build (buildinfo.Identified) are refused, naming the
// files, unless opt.TrustBuild says one build wrote them: equal
// identities then prove nothing.
func MergeShards(shards []*ShardFile, files []string, opt MergeOptions) (*Exploration, string, error) {
	if len(shards) == 0 || len(files) != len(shards) {
		return nil, "", fmt.Errorf("%d shard summaries named by %d files", len(shards), len(files))
	}
	parts := make([]engine.Summary, 0, len(shards))
	for i, sf := range shards {
		if field, a, b := explorationField(shards[0], sf); field != "" {
			hint := ""
			switch field {
			case "report.scenario_hash":
				hint = " (the scenario changed between them: explore every shard of the edited scenario again)"
			case "module", "build":
				hint = " (two builds of migsim: explore every shard with one)"
			}
			return nil, "", fmt.Errorf("%s and %s are not one exploration: field %s is %s in the first, %s in the second%s",
				files[0], files[i], field, a, b, hint)
		}
		parts = append(parts, sf.Report.Summary)
	}
	if err := checkIdentified(shards, files, opt); err != nil {
		return nil, "", err
	}
	sum, err := merge.Named(parts, files)
	if err != nil {
		return nil, "", fmt.Errorf("%s (%s): %w", shards[0].Report.Target, shards[0].Report.Budget, err)
	}
	first := shards[0].Report
	rep := &Exploration{Target: first.Target, Budget: first.Budget, Scenario: first.Scenario, Edition: first.Edition,
		Knobs: first.Knobs, Settings: first.Settings, Strategy: first.Strategy, Bound: first.Bound,
		Schedules: first.Schedules, States: first.States, ScenarioHash: first.ScenarioHash, MaxSteps: first.MaxSteps,
		Summary: sum, Merged: len(shards), Build: shards[0].Build}
	if len(sum.Findings) == 0 {
		// Every shard explored the same target, so each says the same of
		// its expect line.
		rep.Expected = first.Expected
		return rep, "", nil
	}
	// The first finding over all shards is the first of its own shard,
	// which shrank it.
	want := sum.Findings[0]
	for _, sf := range shards {
		fs := sf.Report.Summary.Findings
		if len(fs) == 0 || fs[0].Seed != want.Seed || fs[0].Finding.Oracle != want.Finding.Oracle ||
			fs[0].Subtree != want.Subtree || fs[0].SubtreeIndex != want.SubtreeIndex {
			continue
		}
		rep.Shrunk, rep.NotShrunk, rep.Explained, rep.Narrowed = sf.Report.Shrunk, sf.Report.NotShrunk, sf.Report.Explained, sf.Report.Narrowed
		rep.Caveat, rep.CaveatEvidence = sf.Report.Caveat, sf.Report.CaveatEvidence
		if s := sf.Report.Schedule; s != nil {
			// The shard numbered a dfs run within its own subtrees; one
			// process numbers it across all of them, as the merge does
			// (random and pct: the same schedule index either way).
			c := *s
			c.Index = want.Index
			if e := c.Exploration; e != nil && oneProcessFinds(rep) {
				// One process's exploration finds it: the merge is
				// the whole of it, not the shard's part.
				whole := *e
				whole.Shard, whole.Shards = 0, 0
				c.Exploration = &whole
			}
			rep.Schedule = &c
		}
		rep.Expected = sf.Report.Expected
		return rep, sf.ScheduleName, nil
	}
	return nil, "", fmt.Errorf("no shard summary holds the schedule of the first finding (%s at #%d)", want.Finding.Oracle, want.Index)
}

// oneProcessFinds reports whether one process, given the merged
// exploration's budget, runs the search the shards ran, so that the merged
// schedule file may record the whole exploration rather than the part of
// the shard that found it (docs/engine.md, "Schedule files"). Random and
// pct shards share out one budget of schedule indices: always. A dfs
// budget is each shard's: one process runs the same search only when every
// shard exhausted its part and the runs they counted (complete and pruned,
// which one process's search does not exceed) fit in that one budget. A
// shard that spent its budget cut its subtrees where one process would
// have gone on in them, and reached later subtrees no single search of that
// budget reaches.
func oneProcessFinds(rep *Exploration) bool {
	if rep.Strategy != engine.StrategyDFS {
		return true
	}
	sum := rep.Summary
	return sum.Complete && !sum.Interrupted && int64(sum.Schedules)+int64(sum.Pruned) <= int64(rep.Schedules)
}
