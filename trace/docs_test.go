package trace

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// The examples of docs/traces.md are what the code writes for the
// canonical finding: every line of its text blocks comes from the text
// export (with the steps that recorded no event) or the timeline, and the DOT line from the mode graph.
func TestTracesDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/traces.md")
	require.NoError(t, err)
	var canon *regressTrace
	for _, tr := range regressTraces(t) {
		if tr.name == "flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway" {
			canon = &tr
		}
	}
	require.NotNil(t, canon, "canonical finding's regression schedule")
	var out bytes.Buffer
	require.NoError(t, WriteTextSteps(&out, canon.events, canon.steps))
	require.NoError(t, WriteTimelineText(&out, canon.events))
	rules, err := spec.ParseRules(spec.Draft2023, canon.sched.Knobs)
	require.NoError(t, err)
	require.NoError(t, WriteModeGraph(&out, spec.Draft2023.TransitionTable(rules), canon.events))
	written := map[string]bool{}
	for _, l := range strings.Split(out.String(), "\n") {
		written[strings.TrimSpace(l)] = true
	}
	blocks := 0
	for _, part := range strings.Split(string(doc), "```text\n")[1:] {
		body, _, ok := strings.Cut(part, "```")
		require.True(t, ok)
		blocks++
		for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
			assert.True(t, written[strings.TrimSpace(l)], "docs/traces.md example line not written by the code: %q", l)
		}
	}
	assert.Equal(t, 3, blocks, "text examples in docs/traces.md")
	arc := `"Freeze" -> "Active" [color="#1f77b4", fontcolor="#1f77b4", style=dotted, penwidth=2, label="FLR: src.vf1@156"];`
	assert.Contains(t, string(doc), arc)
	assert.True(t, written[arc], "mode graph arc of the doc")
	for _, s := range ReportSections {
		assert.Contains(t, string(doc), "**"+s+"**", "report section %q not documented", s)
	}
}
