package verdicttable

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// TestWrapCell: a cell wraps at spaces; a word is cut only when it alone
// is wider than the column, after a hyphen and the like when it has one.
func TestWrapCell(t *testing.T) {
	for _, tc := range []struct {
		text  string
		width int
		want  []string
	}{
		{"", 10, []string{""}},
		{"pass", 10, []string{"pass"}},
		{"abc def", 7, []string{"abc def"}},
		{"abc  def", 3, []string{"abc", "def"}},
		{"random 50 schedules; pct 50 schedules", 20, []string{"random 50 schedules;", "pct 50 schedules"}},
		{"exhaustive bound 2: 263 interleavings (3033 runs", 13, []string{"exhaustive", "bound 2: 263", "interleavings", "(3033 runs"}},
		{"reset-racing-stop", 8, []string{"reset-", "racing-", "stop"}},
		{"reset-racing-stop", 17, []string{"reset-racing-stop"}},
		{"reset-racing-stop", 16, []string{"reset-racing-", "stop"}},
		{"reset-vs-mode=complete-anyway", 10, []string{"reset-vs-", "mode=", "complete-", "anyway"}},
		{"set:status=ACKNOWLEDGE|DRIVER_OK", 12, []string{"set:status=", "ACKNOWLEDGE|", "DRIVER_OK"}},
		{"transparent", 8, []string{"transpar", "ent"}},
		{"ab-cdefghijkl", 5, []string{"ab-", "cdefg", "hijkl"}},
		{"x reset-racing-stop y", 8, []string{"x", "reset-", "racing-", "stop y"}},
		{"≥2097152 distinct", 8, []string{"≥2097152", "distinct"}},
		{"abc", 0, []string{"a", "b", "c"}},
	} {
		assert.Equal(t, tc.want, wrapCell(tc.text, tc.width), "%q at %d", tc.text, tc.width)
	}
}

// FuzzWrapCell: whatever the text and width, no line of a wrapped cell is
// wider than the column and the lines hold the cell's words, in order.
func FuzzWrapCell(f *testing.F) {
	f.Add("reset-vs-mode=complete-anyway defaults", 9)
	f.Add("random 50 schedules; pct 50", 1)
	f.Add("≥12 a-b-c", 3)
	f.Fuzz(func(t *testing.T, text string, width int) {
		width = 1 + (width%200+200)%200
		lines := wrapCell(text, width)
		for _, l := range lines {
			if runeLen(l) > width {
				t.Fatalf("%q at %d: line %q is wider", text, width, l)
			}
		}
		squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if got, want := squeeze(strings.Join(lines, " ")), squeeze(text); got != want {
			t.Fatalf("%q at %d: lines %q hold %q", text, width, lines, got)
		}
	})
}

// widthRows are rows for the fitted table: a finding, a mismatch, an
// interrupted proof, knobs and settings that make KNOBS wide.
func widthRows(t *testing.T) []catalog.Outcome {
	knobs := caveatRow()
	knobs.Scenario, knobs.Edition = "reset-racing-stop", spec.Virtio14
	knobs.Knobs = []string{"reset-vs-mode=complete-anyway", "flr-vs-mode=reply-on-start"}
	knobs.Settings = []scenario.Arg{{Key: "dst-caps", Value: "net-current"}}
	return []catalog.Outcome{crossCheckRow(t), certainMismatchRow(), interruptedProofRow(), knobs}
}

// tableColumns returns where each column of the fitted table starts, read
// from its heading line.
func tableColumns(t *testing.T, heading string) []int {
	t.Helper()
	starts := []int{0}
	for _, name := range []string{"Q", "SCENARIO", "EDITION", "KNOBS", "EXPECTED", "GOT", "ORACLE", "IMPACT", "EXPLORED"} {
		i := strings.Index(heading, " "+name+" ")
		if name == "EXPLORED" {
			i = strings.Index(heading, " "+name)
		}
		require.Positive(t, i, "heading %q has %s", heading, name)
		starts = append(starts, i+1)
	}
	return starts
}

// TestWriteTextWidth: fitted to a width, the table's lines are no wider
// than it (stacked or not); every row's first line has all its columns
// (but EXPLORED, stacked), its continuation
// lines only the pieces of the cells that wrapped, each in its column;
// the pieces put back together are the cells of the unwrapped table.
// Width 0 prints what WriteText prints, a width the table fits in its
// table.
func TestWriteTextWidth(t *testing.T) {
	rows := widthRows(t)
	dir := t.TempDir()
	var plain bytes.Buffer
	require.NoError(t, WriteText(&plain, rows, dir, ""))
	plainTable, _, _ := strings.Cut(plain.String(), "\n\n")
	plainLines := strings.Split(plainTable, "\n")
	natural := 0
	for _, l := range plainLines {
		natural = max(natural, runeLen(l))
	}
	plainStarts := tableColumns(t, plainLines[0])
	layouts := map[bool]bool{} // the wrapped widths' layouts: stacked or not
	cellsOf := func(line string, starts []int) []string {
		var cells []string
		for c, s := range starts {
			end := len(line)
			if c+1 < len(starts) {
				end = min(end, starts[c+1])
			}
			cells = append(cells, strings.TrimSpace(line[min(s, len(line)):end]))
		}
		return cells
	}
	for _, tc := range []struct {
		width   int
		wrapped bool
	}{
		{0, false}, {natural, false}, {MaxWidth, false},
		{natural - 1, true}, {200, true}, {160, true}, {140, true}, {120, true}, {100, true},
	} {
		var b bytes.Buffer
		require.NoError(t, WriteTextWidth(&b, rows, dir, "", tc.width))
		table, _, _ := strings.Cut(b.String(), "\n\n")
		if tc.width == 0 {
			assert.Equal(t, plain.String(), b.String(), "width 0: WriteText's")
		}
		if !tc.wrapped {
			assert.Equal(t, plainTable, table, "width %d: WriteText's table", tc.width)
			continue
		}
		lines := strings.Split(table, "\n")
		// A stacked table's heading is two lines: the columns but
		// EXPLORED, then EXPLORED alone under SCENARIO, where every
		// row's EXPLORED lines start.
		stacked := strings.TrimSpace(lines[1]) == "EXPLORED"
		layouts[stacked] = true
		heading := lines[0]
		if stacked {
			heading += "  EXPLORED"
			lines = append([]string{heading}, lines[2:]...)
		}
		assert.Equal(t, strings.Fields(plainLines[0]), strings.Fields(heading), "width %d: the heading", tc.width)
		starts := tableColumns(t, heading)
		var got [][]string
		for i, l := range lines {
			if i > 0 || !stacked {
				assert.LessOrEqual(t, runeLen(l), tc.width, "width %d: line %q", tc.width, l)
			}
			assert.Equal(t, strings.TrimRight(l, " "), l, "no line ends in spaces")
			if i == 0 {
				continue
			}
			cells := cellsOf(l, starts)
			if stacked {
				// Columns end at EXPLORED's start in the heading made
				// above: an EXPLORED line is cut into cells of its own.
				cells = cellsOf(l, starts[:exploredColumn])
				cells = append(cells, "")
			}
			if cells[0] != "" {
				got = append(got, cells)
				for c, cell := range cells[:exploredColumn] {
					assert.NotEmpty(t, cell, "width %d: a row's first line has every column (%d): %q", tc.width, c, l)
				}
				continue
			}
			require.NotEmpty(t, got, "a continuation line follows a row")
			last := got[len(got)-1]
			if stacked && l[starts[scenarioColumn]] != ' ' {
				assert.Equal(t, strings.Repeat(" ", starts[scenarioColumn]), l[:starts[scenarioColumn]], "width %d: EXPLORED indented to SCENARIO: %q", tc.width, l)
				last[exploredColumn] += " " + strings.TrimSpace(l)
				continue
			}
			for _, c := range []int{0, 1, 2, 6} {
				assert.Empty(t, cells[c], "width %d: the mark, Q, SCENARIO and GOT never wrap: %q", tc.width, l)
			}
			for c, piece := range cells {
				if piece != "" {
					last[c] += " " + piece
				}
			}
		}
		require.Len(t, got, len(rows), "width %d: one first line a row", tc.width)
		assert.Greater(t, len(lines)-1, len(rows), "width %d: continuation lines", tc.width)
		squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
		for r, cells := range got {
			want := cellsOf(plainLines[r+1], plainStarts)
			for c := range cells {
				assert.Equal(t, squeeze(want[c]), squeeze(cells[c]), "width %d: row %d column %d", tc.width, r, c)
			}
		}
	}
	assert.Equal(t, map[bool]bool{false: true, true: true}, layouts, "the widths wrap in columns and stacked")
}

// TestFitColumns: how the columns give way, and when the table is
// stacked instead.
func TestFitColumns(t *testing.T) {
	explored := strings.Repeat("exhaustive bound 2: 263 interleavings (3033 runs ended at states already explored); ", 3)
	cells := [][]string{
		{"", "Q", "SCENARIO", "EDITION", "KNOBS", "EXPECTED", "GOT", "ORACLE", "IMPACT", "EXPLORED"},
		{"ok", "2", "reset-racing-stop", "draft-2023", "reset-vs-mode=complete-anyway", "violation frozen-context", "violation", "frozen-context", "rule-only", explored},
	}
	natural := []int{2, 1, 17, 10, 29, 24, 9, 14, 9, runeLen(explored)}
	for _, tc := range []struct {
		name    string
		width   int
		want    []int
		stacked bool
	}{
		{"width 0: as wide as the cells", 0, natural, false},
		{"a table that fits", 1000, natural, false},
		{"EXPLORED gives way first", 200, []int{2, 1, 17, 10, 29, 24, 9, 14, 9, 67}, false},
		{"EXPLORED narrows to 40 first", 173, []int{2, 1, 17, 10, 29, 24, 9, 14, 9, 40}, false},
		{"then EXPECTED wraps at its space", 163, []int{2, 1, 17, 10, 29, 14, 9, 14, 9, 40}, false},
		{"EXPLORED below 40: stacked, the other columns as they are", 162, []int{2, 1, 17, 10, 29, 24, 9, 14, 9, 155}, true},
		{"stacked, EXPECTED wraps at its space", 125, []int{2, 1, 17, 10, 29, 14, 9, 14, 9, 118}, true},
		{"stacked, KNOBS cut after a hyphen", 120, []int{2, 1, 17, 10, 23, 14, 9, 14, 9, 113}, true},
		{"stacked as narrow as it gets: SCENARIO and EDITION never cut", 60, []int{2, 1, 17, 10, 9, 9, 9, 7, 6, 53}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := fitColumns(cells, tc.width)
			assert.Equal(t, tc.want, l.widths)
			assert.Equal(t, tc.stacked, l.stacked)
			switch {
			case tc.width == 0:
			case !l.stacked:
				assert.LessOrEqual(t, tableLineWidth(l.widths), tc.width, "fits")
			default:
				assert.Equal(t, tc.width, l.widths[0]+l.widths[1]+2*columnGap+l.widths[exploredColumn], "EXPLORED as wide as the width leaves it")
			}
		})
	}
}

// TestWriteTextWidth_Empty: an empty cell, EXPLORED's too, wraps to no
// text: the row is one line, with no spaces at its end.
func TestWriteTextWidth_Empty(t *testing.T) {
	cells := [][]string{{"", "Q", "EXPLORED"}, {"ok", "", ""}, {"MISMATCH", "1", "wrapped EXPLORED text"}}
	var b bytes.Buffer
	writeFitted(&b, cells, layout{widths: []int{8, 1, 8}})
	assert.Equal(t, "          Q  EXPLORED\nok\nMISMATCH  1  wrapped\n             EXPLORED\n             text\n", b.String())
}

// TestWriteTextWidth_Notes: the legend and the lines under a fitted table
// wrap at its width, at tableWidth at most; replay lines stay whole.
// Unfitted, they are WriteText's.
func TestWriteTextWidth_Notes(t *testing.T) {
	rows := widthRows(t)
	for _, tc := range []struct {
		width, at int
	}{{60, 60}, {100, 100}, {400, tableWidth}} {
		var b bytes.Buffer
		require.NoError(t, WriteTextWidth(&b, rows, t.TempDir(), "", tc.width))
		_, notes, _ := strings.Cut(b.String(), "\n\n")
		assert.Contains(t, notes, "ok: the verdict got matches", "width %d: the legend", tc.width)
		assert.Contains(t, notes, "judge-flr-freeze draft-2023 defaults: mismatch (certain", "width %d: a mismatch line", tc.width)
		widest := 0
		for _, l := range strings.Split(notes, "\n") {
			if strings.HasPrefix(l, "  schedule: ") || strings.HasPrefix(l, "  replay: ") {
				continue
			}
			assert.LessOrEqual(t, runeLen(l), tc.at, "width %d: %q", tc.width, l)
			widest = max(widest, runeLen(l))
		}
		assert.Greater(t, widest, tc.at-15, "width %d: lines fill the width", tc.width)
	}
	var b bytes.Buffer
	require.NoError(t, WriteTextWidth(&b, rows, t.TempDir(), "", 0))
	assert.Contains(t, b.String(), tableLegend, "unfitted: the legend as it is written")
}

// TestCheckWidth: the widths a table is fitted to, and what a terminal's
// width becomes.
func TestCheckWidth(t *testing.T) {
	for _, tc := range []struct {
		width   int
		ok      bool
		clamped int
	}{
		{0, true, 0}, {-1, false, 0}, {1, false, MinWidth}, {MinWidth - 1, false, MinWidth}, {MinWidth, true, MinWidth},
		{80, true, 80}, {MaxWidth, true, MaxWidth}, {MaxWidth + 1, false, MaxWidth},
	} {
		err := CheckWidth(tc.width)
		if tc.ok {
			assert.NoError(t, err, "%d", tc.width)
		} else {
			assert.EqualError(t, err, "want 0 (never wrap) or 40..10000 columns", "%d", tc.width)
		}
		assert.Equal(t, tc.clamped, ClampWidth(tc.width), "%d", tc.width)
	}
}
