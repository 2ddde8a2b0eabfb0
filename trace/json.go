package trace

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
)

// JSONReportFormat is the version of the JSON report layout. Format 2
// writes seeds as decimal strings (JavaScript numbers lose seeds above
// 2^53) and counts state events.
const JSONReportFormat = 2

// JSONReport is the JSON report of a run or an exploration (docs/traces.md):
// what ran, the findings, coverage and stats. Fields are written in
// declaration order; everything but Stats.ElapsedNS and
// Stats.SchedulesPerSecond is deterministic.
type JSONReport struct {
	// Format is JSONReportFormat.
	Format int `json:"format"`
	// Module is the migsim version (engine.ModuleVersion).
	Module   string   `json:"module"`
	Scenario string   `json:"scenario"`
	Edition  string   `json:"edition"`
	Knobs    []string `json:"knobs"`
	// Strategy is random, pct, dfs or replay.
	Strategy string `json:"strategy"`
	// Seed is the exploration's base seed, or the run's seed, written as a
	// decimal string.
	Seed uint64 `json:"seed,string"`
	// Findings are the findings, in schedule order.
	Findings []ReportFinding `json:"findings"`
	Coverage ReportCoverage  `json:"coverage"`
	Stats    ReportStats     `json:"stats"`
	// ScheduleFile is the path of the schedule file written for the first
	// finding (or replayed), if any.
	ScheduleFile string `json:"schedule_file,omitempty"`
	// FoundBy is how the replayed schedule file was found (the report of
	// migsim trace; absent from an exploration's): the command that runs
	// its exploration again, or why the file does not say.
	FoundBy *FoundBy `json:"found_by,omitempty"`
}

// FoundBy is how a schedule file was found, as migsim replay prints it
// after "found by:" (package catalog/foundby, whose Origin converts to
// it): Command, the command line that runs its exploration again, with
// Row, the exploration of the row that found a device's counterexample
// (migsim conform), or, for a file that does not record its exploration
// (format 4 and older), Unknown, why not; Scenario, when the scenario file
// the schedule names is gone, says that Command's FILE is the scenario
// text the schedule carries.
type FoundBy struct {
	Command  string `json:"command,omitempty"`
	Row      string `json:"row,omitempty"`
	Unknown  string `json:"unknown,omitempty"`
	Scenario string `json:"scenario,omitempty"`
}

// ReportFinding is one finding with the run that produced it.
type ReportFinding struct {
	engine.Finding
	// Index is the schedule's index in the exploration; Seed its seed.
	Index int    `json:"index"`
	Seed  uint64 `json:"seed,string"`
	// Steps and Preemptions describe the failing run; ShrunkSteps and
	// ShrunkPreemptions the shrunk one, when it was shrunk.
	Steps             int `json:"steps"`
	Preemptions       int `json:"preemptions"`
	ShrunkSteps       int `json:"shrunk_steps,omitempty"`
	ShrunkPreemptions int `json:"shrunk_preemptions,omitempty"`
	// TraceHash is the failing run's trace hash (16 hex digits).
	TraceHash string `json:"trace_hash"`
}

// ReportCoverage says how much was explored.
type ReportCoverage struct {
	// Schedules counts completed runs; Distinct distinct interleavings
	// (label sequences).
	Schedules int `json:"schedules"`
	Distinct  int `json:"distinct_interleavings"`
	// Steps sums the steps of every run.
	Steps int64 `json:"steps"`
	// Events counts recorded trace events per kind (recorded runs only).
	Events EventCounts `json:"events"`
}

// EventCounts counts trace events per kind.
type EventCounts struct {
	TLP   int `json:"tlp"`
	Step  int `json:"step"`
	MSIX  int `json:"msix"`
	DMA   int `json:"dma"`
	Note  int `json:"note"`
	Admin int `json:"admin"`
	State int `json:"state"`
	// Other counts events of kinds this version does not know.
	Other int `json:"other"`
}

// CountEvents counts events per kind.
func CountEvents(events []record.TraceEvent) EventCounts {
	var c EventCounts
	for _, e := range events {
		switch e.Kind {
		case record.TraceTLP:
			c.TLP++
		case record.TraceStep:
			c.Step++
		case record.TraceMSIX:
			c.MSIX++
		case record.TraceDMA:
			c.DMA++
		case record.TraceNote:
			c.Note++
		case record.TraceAdmin:
			c.Admin++
		case record.TraceState:
			c.State++
		default:
			c.Other++
		}
	}
	return c
}

// ReportStats are the exploration's statistics.
type ReportStats struct {
	Schedules int   `json:"schedules"`
	Pruned    int   `json:"pruned"`
	Decisions int64 `json:"decisions"`
	Failing   int   `json:"failing"`
	// ElapsedNS and SchedulesPerSecond depend on the machine; they are
	// omitted when zero (as in golden tests).
	ElapsedNS          int64   `json:"elapsed_ns,omitempty"`
	SchedulesPerSecond float64 `json:"schedules_per_second,omitempty"`
}

// NewExploreReport builds the report of an exploration. The caller fills
// Scenario, Edition, Knobs and ScheduleFile.
func NewExploreReport(sum *engine.Summary) *JSONReport {
	r := &JSONReport{
		Format:   JSONReportFormat,
		Module:   engine.ModuleVersion(),
		Knobs:    []string{},
		Strategy: sum.Strategy,
		Seed:     sum.Seed,
		Findings: []ReportFinding{},
		Coverage: ReportCoverage{Schedules: sum.Schedules, Distinct: sum.Distinct, Steps: sum.Decisions},
		Stats: ReportStats{Schedules: sum.Schedules, Pruned: sum.Pruned, Decisions: sum.Decisions, Failing: sum.Failing,
			ElapsedNS: sum.Elapsed.Nanoseconds(), SchedulesPerSecond: sum.SchedulesPerSecond()},
	}
	for _, rep := range sum.Findings {
		rf := ReportFinding{Finding: rep.Finding, Index: rep.Index, Seed: rep.Seed, Steps: rep.Result.Steps(),
			Preemptions: rep.Result.Preemptions, TraceHash: engine.FormatHash(rep.Result.TraceHash)}
		if rep.Shrunk != nil {
			rf.ShrunkSteps, rf.ShrunkPreemptions = rep.Shrunk.Result.Steps(), rep.Shrunk.Result.Preemptions
		}
		r.Findings = append(r.Findings, rf)
	}
	return r
}

// NewRunReport builds the report of one run (a replay) with its recorded
// events. The caller fills Scenario, Edition, Knobs and ScheduleFile.
func NewRunReport(strategy string, res engine.Result, events []record.TraceEvent) *JSONReport {
	r := &JSONReport{
		Format:   JSONReportFormat,
		Module:   engine.ModuleVersion(),
		Knobs:    []string{},
		Strategy: strategy,
		Seed:     res.Seed,
		Findings: []ReportFinding{},
		Coverage: ReportCoverage{Schedules: 1, Distinct: 1, Steps: int64(res.Steps()), Events: CountEvents(events)},
		Stats:    ReportStats{Schedules: 1, Decisions: int64(res.Steps())},
	}
	if res.Finding != nil {
		r.Stats.Failing = 1
		r.Findings = append(r.Findings, ReportFinding{Finding: *res.Finding, Seed: res.Seed, Steps: res.Steps(),
			Preemptions: res.Preemptions, TraceHash: engine.FormatHash(res.TraceHash)})
	}
	return r
}

// WriteJSONReport writes r as indented JSON with a final newline.
func WriteJSONReport(w io.Writer, r *JSONReport) error {
	if r == nil {
		return fmt.Errorf("trace: json report: nil report")
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("trace: json report: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("trace: json report: %w", err)
	}
	return nil
}
