package trace

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
)

func TestExportJSONReportGolden(t *testing.T) {
	f := exportFixtureFinding()
	res := engine.Result{Seed: 7, Choices: make([]engine.Choice, 6), Preemptions: 2, Finding: f, TraceHash: 0x0123456789abcdef}
	sum := engine.Summary{Strategy: engine.StrategyPCT, Seed: 99, Schedules: 40, Decisions: 1234, Distinct: 17, Failing: 3,
		Findings: []engine.Report{{Index: 12, Seed: 7, Finding: *f, Result: res,
			Shrunk: &engine.ShrinkResult{Result: engine.Result{Choices: make([]engine.Choice, 4), Preemptions: 1}}}}}
	tests := []struct {
		golden string
		report *JSONReport
	}{
		{"report-explore.json", NewExploreReport(&sum)},
		{"report-run.json", NewRunReport(engine.StrategyReplay, res, exportFixture())},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			tt.report.Module = "devel"
			tt.report.Scenario, tt.report.Edition = "fixture", "draft-2023"
			tt.report.Knobs = []string{"freeze-notify=latch"}
			tt.report.ScheduleFile = "out/fixture.json"
			var b bytes.Buffer
			require.NoError(t, WriteJSONReport(&b, tt.report))
			checkGolden(t, tt.golden, b.Bytes())
		})
	}
}

func TestExportJSONReportStats(t *testing.T) {
	sum := engine.Summary{Strategy: engine.StrategyRandom, Schedules: 100, Elapsed: 2 * time.Second}
	r := NewExploreReport(&sum)
	assert.Equal(t, int64(2e9), r.Stats.ElapsedNS)
	assert.InDelta(t, 50.0, r.Stats.SchedulesPerSecond, 1e-9)
	var b bytes.Buffer
	require.NoError(t, WriteJSONReport(&b, r))
	var back map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	assert.Equal(t, []any{}, back["findings"], "findings is [] not null")
	assert.Equal(t, "0", back["seed"], "seeds are strings")
	assert.Error(t, WriteJSONReport(&b, nil))
}

func TestExportCountEvents(t *testing.T) {
	events := append(exportFixture(), record.TraceEvent{Kind: record.TraceAdmin}, record.TraceEvent{Kind: 42})
	assert.Equal(t, EventCounts{TLP: 6, Step: 1, MSIX: 2, DMA: 1, Note: 2, Admin: 3, State: 1, Other: 1}, CountEvents(events))
}
