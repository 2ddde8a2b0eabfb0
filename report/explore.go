package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/progress"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/plural"
)

// Exploration is the report of an exploration: what `migsim explore`
// prints, and what a shard of it writes into its summary file (ShardFile,
// as JSON under the tags below); `migsim merge` rebuilds it from the
// shards' summaries (MergeShards) and prints it the same way.
type Exploration struct {
	// Target and Budget are the header's texts: what was explored (the
	// scenario, edition, knobs and settings, TargetText) and with what
	// budget.
	Target string `json:"target"`
	Budget string `json:"budget"`
	// Scenario, Edition, Knobs and Settings are what was explored, as
	// data: the scenario's name, the edition's, the knobs and the
	// settings as key=value. The JSON document (Doc) reads them, never
	// the header's text, which a value with a space would split wrongly.
	Scenario string   `json:"scenario"`
	Edition  string   `json:"edition"`
	Knobs    []string `json:"knobs"`
	Settings []string `json:"settings,omitempty"`
	// Strategy, Bound and Schedules are the budget's (Schedules: for dfs
	// the run budget of each shard); States is set when dfs prunes states
	// already explored (--states).
	Strategy  string `json:"strategy"`
	Bound     int    `json:"bound"`
	Schedules int    `json:"schedules"`
	States    bool   `json:"states"`
	// ScenarioHash is the explored scenario's hash (the scenario_hash of
	// its schedule files: a hash of what its runs depend on) and MaxSteps the
	// step bound of each run: what the shards of one exploration share
	// besides the header's texts.
	ScenarioHash string `json:"scenario_hash"`
	MaxSteps     int    `json:"max_steps"`
	// Summary is the exploration's.
	Summary engine.Summary `json:"summary"`
	// Shrunk is the shrunk first finding; Schedule its schedule file,
	// written at Path. NotShrunk says Shrunk is the finding's run as found
	// (explore --no-shrink): one replay, no candidate tried.
	Shrunk    *engine.ShrinkResult `json:"shrunk,omitempty"`
	NotShrunk bool                 `json:"not_shrunk,omitempty"`
	// Explained is the shrunk finding's explanation (nil when skipped or
	// when it failed).
	Explained *explain.Explanation `json:"explained,omitempty"`
	// Narrowed is the shrunk finding's causal slice narrowed by running
	// it (explain.NarrowSlice; nil when skipped or when it failed): the
	// steps whose recorded place the finding was seen to need.
	Narrowed *explain.Narrowed   `json:"narrowed,omitempty"`
	Schedule *schedfile.Schedule `json:"schedule,omitempty"`
	// Caveat qualifies the first finding: a transparent violation of a
	// scenario whose guest log depends on the schedule without migration
	// too (catalog.Target.RaceCaveat).
	Caveat string `json:"caveat,omitempty"`
	// CaveatEvidence is the run without migration that showed the race
	// behind Caveat (catalog.RaceCheck.Evidence).
	CaveatEvidence string `json:"caveat_evidence,omitempty"`
	// Expected says how the first finding stands to the scenario's expect
	// line for the edition and knobs explored (ExpectationNote), or, when
	// nothing was found, what that line expects (NoFindingNote).
	Expected string `json:"expected,omitempty"`
	// Path is where the schedule file was written ("": nowhere); it is not
	// part of the summary file.
	Path string `json:"-"`
	// Merged is the number of shard summaries a merged report combines
	// (0: the report of one process or shard); not part of the file.
	Merged int `json:"-"`
	// Build is the build identity the summaries a merged report combines
	// share (ShardFile.Build; "" for the report of one process or shard);
	// not part of the report's file (a shard's summary records its own).
	Build string `json:"-"`
}

// TargetText is the header's words for what was explored: "NAME EDITION
// [KNOB…] [set:K=V…]" (Exploration.Target).
func TargetText(scenario, edition string, knobs, settings []string) string {
	parts := append([]string{scenario, edition}, knobs...)
	for _, s := range settings {
		parts = append(parts, "set:"+s)
	}
	return strings.Join(parts, " ")
}

// ShardHeader is what a shard adds to its header after the budget,
// which is the same in every shard of an exploration: which part of it
// the shard runs.
func ShardHeader(strategy string, schedules, shard, shards int) string {
	switch {
	case shards == 1:
		return "; shard 0/1: all of it"
	case strategy == engine.StrategyDFS:
		return fmt.Sprintf("; shard %d/%d: the subtrees numbered %d mod %d", shard, shards, shard, shards)
	}
	return fmt.Sprintf("; shard %d/%d: the %s numbered %d mod %d", shard, shards, plural.Count(ShardShare(schedules, shard, shards), "schedule"), shard, shards)
}

// ShardShare is how many of the schedule indices 0…schedules−1 are
// shard's (those ≡ shard mod shards): what a random or pct shard runs
// and counts.
func ShardShare(schedules, shard, shards int) int {
	if shards <= 1 {
		return max(schedules, 0)
	}
	if schedules <= shard {
		return 0
	}
	return (schedules-shard-1)/shards + 1
}

// PrunedText says what a dfs search's pruned runs (Summary.Pruned, the
// "+N pruned" after the schedules) are and why each was cut short: a run
// stops, before it completes and without counting as a schedule, either
// where state pruning finds a state an earlier run explored completely
// (Summary.StateHits) or where sleep sets leave no step to pick (every
// step enabled there is asleep: it would only reorder independent steps
// of an interleaving already run; or, under a preemption bound, it would
// cost a preemption more than is left). "the 435 pruned runs stopped
// before their end and are not schedules: 318 by state pruning (…), 117 by
// sleep sets (…)".
func PrunedText(sum *engine.Summary) string {
	states, sleep := PrunedByStates(sum), PrunedBySleepSets(sum)
	var why []string
	if states > 0 {
		why = append(why, fmt.Sprintf("%d by state pruning (the run reached a state earlier runs had already explored completely from there)", states))
	}
	if sleep > 0 {
		why = append(why, fmt.Sprintf("%d by sleep sets (every step enabled there was asleep: it would only reorder independent steps of an interleaving already run, or, under the bound, cost a preemption more than was left)", sleep))
	}
	runs := plural.Count(sum.Pruned, "pruned run")
	if sum.Pruned == 1 {
		return "the 1 pruned run stopped before its end and is not a schedule: " + strings.Join(why, ", ")
	}
	return "the " + runs + " stopped before their end and are not schedules: " + strings.Join(why, ", ")
}

// FullText says, for a dfs search that did not exhaust its space, when
// its state table or known transitions reached their cap
// (explored.FullText) and what that means; "" when it exhausted its space
// or neither filled. merged words it for a merge of shards, whose runs
// each shard counts.
func FullText(sum *engine.Summary, merged bool) string {
	full := explored.FullText(*sum)
	if full == "" || sum.Complete {
		return ""
	}
	if merged {
		full += " (in a shard, at its own run)"
	}
	return full + "; the search stays sound, but no run ends any more at a state explored after that, so it may spend its budget where a larger table would exhaust the space: --state-cap N remembers up to N of each"
}

// PrunedByStates is how many of a dfs search's pruned runs state pruning
// cut short: its state hits, each of which ends its run.
func PrunedByStates(sum *engine.Summary) int { return min(sum.StateHits, sum.Pruned) }

// PrunedBySleepSets is how many of a dfs search's pruned runs sleep sets
// cut short: the pruned runs state pruning did not.
func PrunedBySleepSets(sum *engine.Summary) int { return sum.Pruned - PrunedByStates(sum) }

// KnownRuns is how many runs the search counted without running them:
// state-pruned runs whose last step was a known transition to a covered
// state (docs/engine.md, "Strategies": known transitions). It is the runs
// counted less the runs executed, which is exact because the search keeps
// known transitions only in a tree it does not split (engine/dfs,
// Search.transitions): a shard, whose executed runs include those into
// other shards' subtrees, knows none, and neither does a merge of shards
// (TestMerge_KnownRunsAsOneProcess in cmd/migsim holds both to one
// process's count).
func KnownRuns(sum *engine.Summary) int { return max(sum.Schedules+sum.Pruned-sum.Executed, 0) }

// PrintSummary prints what the exploration covered; only the throughput
// line depends on the wall clock (and, with shards, on how the work was
// split). A merged report's has no rate when its summaries, as
// WriteShardFile writes them, keep no time.
func (r *Exploration) PrintSummary(w io.Writer) {
	sum := &r.Summary
	fmt.Fprintf(w, "schedules: %d", sum.Schedules)
	if sum.Pruned > 0 {
		fmt.Fprintf(w, " (+%d pruned)", sum.Pruned)
	}
	fmt.Fprintf(w, ", decisions: %d, distinct interleavings: %s, failing: %d, findings: %d\n",
		sum.Decisions, progress.DistinctCount(sum.Distinct, sum.DistinctCapped), sum.Failing, len(sum.Findings))
	if r.Strategy == engine.StrategyDFS {
		switch {
		case sum.Interrupted:
		case sum.Complete && !sum.BoundHit:
			fmt.Fprintf(w, "dfs: exhaustive (%s)%s\n", unboundedText(r.Bound), r.shardPart())
		case sum.Complete:
			fmt.Fprintf(w, "dfs: exhaustive bound %d: %s (the bound cut some picks)%s\n", r.Bound, plural.Count(sum.Schedules, "interleaving"), r.shardPart())
		case r.Merged > 1:
			fmt.Fprintf(w, "dfs: a shard spent its budget of %d runs before its part of the space was exhausted\n", r.Schedules)
		case sum.Shards > 1:
			fmt.Fprintf(w, "dfs: budget of %d runs spent before this shard's part of the space was exhausted\n", r.Schedules)
		default:
			fmt.Fprintf(w, "dfs: budget of %d runs spent before the space was exhausted\n", r.Schedules)
		}
		if full := FullText(sum, r.Merged > 1); full != "" {
			fmt.Fprintf(w, "dfs: %s\n", full)
		}
		if sum.Pruned > 0 {
			fmt.Fprintf(w, "dfs: %s\n", PrunedText(sum))
		}
		switch {
		case !r.States:
		case r.Merged > 1:
			fmt.Fprintln(w, "dfs: each shard pruned only the states it explored itself, so these counts exceed one process's (explore with --states=false for the same counts)")
		case sum.Shards > 1:
			fmt.Fprintln(w, "dfs: this shard prunes only the states it explores itself, so merged counts exceed one process's (explore with --states=false for the same counts)")
		}
		if known := KnownRuns(sum); known > 0 {
			fmt.Fprintf(w, "dfs: %d of the %d state-pruned runs were known to end there without running them (known transitions)\n", known, PrunedByStates(sum))
		}
	}
	switch {
	case sum.Interrupted && sum.Pruned > 0:
		// The pruned runs are not schedules (the dfs lines above say so).
		fmt.Fprintf(w, "interrupted: the summary covers only the %s (%s, %d pruned) run before the interrupt\n",
			plural.Count(sum.Schedules+sum.Pruned, "run"), plural.Count(sum.Schedules, "schedule"), sum.Pruned)
	case sum.Interrupted:
		fmt.Fprintf(w, "interrupted: the summary covers only the %s run before the interrupt\n", plural.Count(sum.Schedules, "schedule"))
	}
	if r.Merged > 0 && sum.Elapsed <= 0 { // shard summaries keep no time
		fmt.Fprintf(w, "throughput: %s executed (%s); each shard printed its own rate, and summaries keep no time%s\n",
			plural.Count(sum.Executed, "run"), plural.Count(sum.Memo.Hits, "memo hit"), r.learnText())
		return
	}
	rate := "schedules/s"
	if sum.Pruned > 0 { // SchedulesPerSecond counts the pruned runs, which are not schedules
		rate = "runs/s, complete and pruned"
	}
	fmt.Fprintf(w, "throughput: %.0f %s, %s executed (%.0f/s, %s), %s%s\n",
		sum.SchedulesPerSecond(), rate, plural.Count(sum.Executed, "run"), sum.ExecutedPerSecond(), plural.Count(sum.Memo.Hits, "memo hit"),
		decisionCost(sum), r.learnText())
}

// decisionCost renders the time per decision. Runs started from copies of
// the world (--fork) count the decisions they did not replay among their
// steps (engine.Summary.ExecutedDecisions, the same with the fork on or
// off), so the plain quotient would credit the copies' work to decisions
// never run: then the time per decision run is given, with how many
// decisions the copies spared.
func decisionCost(sum *engine.Summary) string {
	if f := sum.Fork; f != nil && f.SkippedDecisions > 0 && f.SkippedDecisions < sum.ExecutedDecisions {
		run := sum.ExecutedDecisions - f.SkippedDecisions
		return fmt.Sprintf("%.0f ns per decision run (%s run, %d more started from copies of the world)",
			float64(sum.Elapsed.Nanoseconds())/float64(run), plural.Count(int(run), "decision"), f.SkippedDecisions)
	}
	return fmt.Sprintf("%.0f ns/decision", sum.NsPerDecision())
}

// learnText says why a pct shard, and a merge of pct shards, executed more
// runs than its schedules: every pct shard also runs the other shards'
// schedules among the first engine.PCTLearnSchedules, to learn the run
// length one process learns from them (docs/scale.md, "What a shard
// does"). Empty for anything else.
func (r *Exploration) learnText() string {
	sum := &r.Summary
	learn := min(r.Schedules, engine.PCTLearnSchedules)
	switch {
	case sum.Strategy != engine.StrategyPCT || learn <= 1:
	case r.Merged > 1:
		return fmt.Sprintf("; every pct shard also ran the other shards' schedules among the first %d, to learn the run length as one process does", learn)
	case r.Merged == 0 && sum.Shards > 1:
		if other := learn - ShardShare(learn, sum.Shard, sum.Shards); other > 0 {
			return fmt.Sprintf("; %d of the runs are other shards' schedules among the first %d, which every pct shard runs to learn the run length as one process does",
				other, learn)
		}
	}
	return ""
}

// PrintResult prints the findings, the shrunk first finding and where its
// schedule went; errText renders an error in it as PrintWhy's does.
func (r *Exploration) PrintResult(w io.Writer, errText func(error) string) {
	sum := &r.Summary
	if len(sum.Findings) == 0 {
		fmt.Fprintln(w, r.noFindings())
		if r.Expected != "" {
			fmt.Fprintf(w, "  expected: %s\n", r.Expected)
		}
		return
	}
	for i, rep := range sum.Findings {
		fd := rep.Finding
		fmt.Fprintf(w, "finding %s at schedule #%d (seed %d), step %d: %s\n", fd.Oracle, rep.Index, rep.Seed, engine.ShownStep(fd.Step), fd.Message)
		if len(fd.Reqs) > 0 {
			fmt.Fprintf(w, "  requirements: %s\n", fd.ReqsText())
		}
		if len(fd.Actors) > 0 {
			fmt.Fprintf(w, "  actors: %s\n", strings.Join(fd.Actors, " "))
		}
		if i == 0 && r.Expected != "" {
			fmt.Fprintf(w, "  expected: %s\n", r.Expected)
		}
	}
	if sr := r.Shrunk; sr != nil {
		if r.NotShrunk {
			fmt.Fprintf(w, "not shrunk (--no-shrink) %s: %s, footprints: %s\n", sum.Findings[0].Finding.Oracle, sr.After, sr.SliceText())
		} else {
			// "footprints:", as replay --slice labels it: the happens-before
			// slice, which the "slice:" line below narrows by running.
			fmt.Fprintf(w, "shrunk %s: %s (%s, %d executed), footprints: %s\n", sum.Findings[0].Finding.Oracle, sr.Text(),
				plural.Count(sr.Replays, "replay"), sr.Executed, sr.SliceText())
		}
		if fd := sr.Result.Finding; fd != nil && fd.Impact != "" {
			fmt.Fprintf(w, "  impact: %s (%s)\n", fd.Impact, fd.ImpactWhy)
			if len(fd.Reqs) > 0 {
				fmt.Fprintf(w, "  requirements: %s\n", fd.ReqsText())
			}
			if len(fd.Actors) > 0 {
				fmt.Fprintf(w, "  actors: %s\n", strings.Join(fd.Actors, " "))
			}
		}
		if sr.Interrupted && !r.NotShrunk {
			fmt.Fprintln(w, "shrinking interrupted: the schedule below still fails the same way but may not be minimal")
		}
		if r.Explained != nil {
			PrintWhy(w, r.Explained, sr.Result.Choices, r.Schedule, 0, errText)
		}
		if r.Narrowed != nil {
			PrintNarrowed(w, r.Narrowed, sr.Result.Choices, r.Schedule, 0, errText)
		}
	}
	if n := sum.Schedules + sum.Pruned; n > 1 && sum.Failing >= n && !sum.Interrupted {
		fmt.Fprintf(w, "every schedule explored failed (%d of %d): no interleaving the exploration tried avoids a finding\n", sum.Failing, n)
	}
	if r.Caveat != "" {
		fmt.Fprintf(w, "caveat: %s\n", r.Caveat)
	}
	if r.Schedule != nil && r.Path != "" {
		fmt.Fprintf(w, "schedule: %s (trace hash %s)\n", r.Path, r.Schedule.TraceHash)
		fmt.Fprintf(w, "replay: %s\n", catalog.ReplayCommand(r.Path))
	}
}

// PrintWhy prints an explanation's summary and the orderings the finding
// needs (cs: the explained run's choices), naming beside each step the
// admin commands it completed (AdminCommands, from the run of sc recorded
// again, with at most maxSteps steps; 0 for the catalog's bound): a PF
// admin step's label does not say which command it ran. Without sc (a
// device's run the reference cannot record) the labels stand alone; a run
// that does not record says so under the orderings, its error rendered by
// errText (nil: the error's own text), which a command line uses to show
// the user what went wrong rather than where in the code.
func PrintWhy(w io.Writer, ex *explain.Explanation, cs []engine.Choice, sc *schedfile.Schedule, maxSteps int, errText func(error) string) {
	fmt.Fprintf(w, "  why: %s\n", ex.Text())
	if ex.Interrupted {
		fmt.Fprintln(w, "  explaining interrupted: the steps before the ones counted were not moved")
	}
	if len(ex.Orders) == 0 {
		return
	}
	admin, err := adminNotes(sc, maxSteps)
	for _, o := range ex.Orders {
		if orderInRun(o, cs) {
			fmt.Fprintf(w, "    %s\n", orderText(o, cs, admin))
		}
	}
	printAdminErr(w, err, errText)
}

// adminNotes returns the admin commands each step of sc's run completed
// (AdminCommands), nil for no schedule. A run that ended at its step bound
// is recorded at that bound, as replay replays it: under a larger one it
// would run on past its last choice and diverge.
func adminNotes(sc *schedfile.Schedule, maxSteps int) (func(int) string, error) {
	if sc == nil {
		return nil, nil
	}
	bound := max(maxSteps, catalog.DefaultJudgeMaxSteps, sc.Steps+1)
	if sc.Finding.StepBound() {
		bound = sc.Steps
	}
	return AdminCommands(sc, bound)
}

// printAdminErr says why the admin commands of the steps listed are not
// named, when adminNotes failed.
func printAdminErr(w io.Writer, err error, errText func(error) string) {
	if err == nil {
		return
	}
	msg := err.Error()
	if errText != nil {
		msg = errText(err)
	}
	fmt.Fprintf(w, "    (the admin commands of these steps are not named: %s)\n", msg)
}

// PrintNarrowed prints a narrowed slice of the run cs (recorded in sc, when
// not nil) as explore does: its summary (Narrowed.Text), then each step
// left, "step I LABEL" with the admin commands it completed, when the
// check kept the finding.
func PrintNarrowed(w io.Writer, n *explain.Narrowed, cs []engine.Choice, sc *schedfile.Schedule, maxSteps int, errText func(error) string) {
	fmt.Fprintf(w, "  slice: %s\n", n.Text(len(cs)))
	if !n.Check.Kept {
		return
	}
	admin, err := adminNotes(sc, maxSteps)
	for _, i := range n.Slice {
		if i < 0 || i >= len(cs) {
			continue
		}
		note := ""
		if admin != nil {
			note = admin(i)
		}
		fmt.Fprintf(w, "    step %d %s%s\n", engine.ShownStep(i), cs[i].Label, note)
	}
	printAdminErr(w, err, errText)
}

// orderInRun reports whether both steps of o are steps of the run cs (a
// shard summary's explanation is checked against its run when read, so
// only a damaged one could name others).
func orderInRun(o explain.Order, cs []engine.Choice) bool {
	return o.Before >= 0 && o.Before < len(cs) && o.After >= 0 && o.After < len(cs)
}

// orderText renders an ordering as "step I LABEL before step J LABEL",
// each label followed by the admin commands its step completed when admin
// is set, with the oracle that fired instead when the reversed run had
// another finding, and its message when that oracle is the finding's own
// for another reason.
func orderText(o explain.Order, cs []engine.Choice, admin func(int) string) string {
	note := func(int) string { return "" }
	if admin != nil {
		note = admin
	}
	s := fmt.Sprintf("step %d %s%s before step %d %s%s", engine.ShownStep(o.Before), cs[o.Before].Label, note(o.Before),
		engine.ShownStep(o.After), cs[o.After].Label, note(o.After))
	if o.Instead != "" {
		s += " (reversed: " + o.Instead + " instead" + anotherReason(o.InsteadMessage) + ")"
	}
	return s
}

// anotherReason renders the message of a reversed run's finding of the
// explained finding's oracle, ", for another reason: MESSAGE" ("" for
// none).
func anotherReason(msg string) string {
	if msg == "" {
		return ""
	}
	return ", for another reason: " + msg
}

// noFindings says that nothing was found, and over what: a sample of the
// interleavings (random, pct), all of them within the preemption bound or
// all of them (dfs that exhausted its space), or as far as the run budget
// or an interrupt let a dfs search go.
func (r *Exploration) noFindings() string {
	sum := &r.Summary
	switch {
	case sum.Interrupted:
		return "no findings before the interrupt"
	case r.Strategy != engine.StrategyDFS:
		return fmt.Sprintf("no findings in %s of %s (a sample, not exhaustive: --strategy dfs searches every interleaving within a preemption bound)",
			plural.Count(sum.Schedules, "schedule"), r.Strategy)
	case sum.Complete && !sum.BoundHit:
		return "no findings: every interleaving was run" + r.shardPart()
	case sum.Complete:
		return fmt.Sprintf("no findings: every interleaving within preemption bound %d was run%s", r.Bound, r.shardPart())
	}
	return "no findings within the run budget (not exhaustive)"
}

// shardPart says which part of the space a dfs shard's own report covers
// (", in shard 1/4's subtrees only (…)"); "" for one process or merged
// shards, which cover all of it.
func (r *Exploration) shardPart() string {
	if r.Summary.Shards <= 1 || r.Merged > 1 {
		return ""
	}
	return fmt.Sprintf(", in shard %d/%d's subtrees only (migsim merge of every shard's summary speaks for the whole space)", r.Summary.Shard, r.Summary.Shards)
}

// unboundedText says why an exhaustive dfs search covered every
// interleaving: it had no preemption bound ("unbounded", as a catalog row
// says: explored.DFSText), or its bound never cut a pick.
func unboundedText(bound int) string {
	if bound < 0 {
		return "unbounded"
	}
	return fmt.Sprintf("bound %d never cut", bound)
}
