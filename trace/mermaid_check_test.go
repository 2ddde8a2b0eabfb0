package trace

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckMermaid(t *testing.T) {
	tests := []struct {
		name, src, err string
	}{
		{"sequence", "sequenceDiagram\n    participant a\n    participant b_1 as b.1\n    a->>b_1: [1] MWr 0x10 = 00\n    b_1-->>a: x#59; y\n    b_1-)a: irq\n    Note over a,b_1: ok\n    Note right of a: ok\n", ""},
		{"gantt", "gantt\n    title t\n    dateFormat X\n    axisFormat %s\n    section src.vf1\n    Active :0, 3\n    Stop + FLR :active, 3, 5\n    Freeze :crit, 5, 6\n", ""},
		{"unknown diagram", "flowchart LR\n", "want sequenceDiagram or gantt"},
		{"undeclared", "sequenceDiagram\n    participant a\n    a->>b: x\n", `participant "b" used before it is declared`},
		{"declared twice", "sequenceDiagram\n    participant a\n    participant a\n", "declared twice"},
		{"raw semicolon", "sequenceDiagram\n    participant a\n    Note over a: x; y\n", `line 3: unescaped ';'`},
		{"raw hash", "sequenceDiagram\n    participant a\n    Note over a: #1\n", "unescaped '#'"},
		{"html", "sequenceDiagram\n    participant a\n    Note over a: <b>\n", "unescaped '<'"},
		{"bad statement", "sequenceDiagram\n    participant a\n    a => a: x\n", "is not a participant, message or note"},
		{"empty task", "gantt\n    section s\n    Active :3, 3\n", "not after its start"},
		{"task without section", "gantt\n    Active :0, 3\n", "task before any section"},
		{"colon in name", "gantt\n    section s\n    a:b :0, 3\n", "is not a gantt statement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckMermaid(tt.src)
			if tt.err == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func TestMermaidBlocks(t *testing.T) {
	md := "# x\n```mermaid\ngantt\n```\ntext\n```text\nno\n```\n```mermaid\nsequenceDiagram\n```\n"
	assert.Equal(t, []string{"gantt\n", "sequenceDiagram\n"}, MermaidBlocks(md))
}

// Every diagram the exports write parses: the fixture's and every
// regression trace's sequence diagram (whole and windowed) and gantt.
func TestMermaidExportsParse(t *testing.T) {
	check := func(name string, write func(*bytes.Buffer) error) {
		var b bytes.Buffer
		require.NoError(t, write(&b), name)
		assert.NoError(t, CheckMermaid(b.String()), "%s:\n%s", name, b.String())
	}
	check("fixture", func(b *bytes.Buffer) error { return WriteMermaid(b, exportFixture(), exportFixtureFinding(), 0) })
	check("fixture gantt", func(b *bytes.Buffer) error { return WriteTimelineGantt(b, exportFixture(), "fixture") })
	for _, tr := range regressTraces(t) {
		check(tr.name+" all", func(b *bytes.Buffer) error { return WriteMermaid(b, tr.events, tr.res.Finding, 0) })
		check(tr.name+" window", func(b *bytes.Buffer) error { return WriteMermaid(b, tr.events, tr.res.Finding, 10) })
		check(tr.name+" gantt", func(b *bytes.Buffer) error { return WriteTimelineGantt(b, tr.events, tr.name) })
		var r bytes.Buffer
		require.NoError(t, WriteReport(&r, &Report{Schedule: tr.sched, SchedulePath: tr.name + ".json", Result: tr.res, Events: tr.events}))
		blocks := MermaidBlocks(r.String())
		assert.Len(t, blocks, 2, tr.name)
		for i, blk := range blocks {
			assert.NoError(t, CheckMermaid(blk), "%s report block %d", tr.name, i)
		}
		assert.False(t, strings.Contains(r.String(), "TODO"), tr.name)
	}
}

// mermaidErrLine is the line an error of CheckMermaid names.
var mermaidErrLine = regexp.MustCompile(`^trace: mermaid: line ([0-9]+): `)

// FuzzCheckMermaid: never a panic; an error names a line of the diagram,
// the first that is wrong: the lines before it pass, as every prefix of a
// diagram that passes does.
func FuzzCheckMermaid(f *testing.F) {
	f.Add("sequenceDiagram\n    participant a\n    a->>a: x\n")
	f.Add("gantt\n    section s\n    Active :0, 3\n")
	f.Add("sequenceDiagram\n    participant a\n    Note over a: x; y\n")
	f.Add("gantt\n    section s\n    Active :3, 3\n")
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
		prefix := func(n int) string { return strings.Join(lines[:n], "\n") + "\n" }
		err := CheckMermaid(s)
		if err == nil {
			for n := 1; n < len(lines); n++ {
				require.NoError(t, CheckMermaid(prefix(n)), "the first %d lines of a diagram that passes", n)
			}
			return
		}
		m := mermaidErrLine.FindStringSubmatch(err.Error())
		require.NotNil(t, m, "%v names no line", err)
		n, convErr := strconv.Atoi(m[1])
		require.NoError(t, convErr)
		require.True(t, n >= 1 && n <= len(lines), "%v: line %d of %d", err, n, len(lines))
		if n > 1 {
			require.NoError(t, CheckMermaid(prefix(n-1)), "%v: the lines before it pass", err)
		}
	})
}
