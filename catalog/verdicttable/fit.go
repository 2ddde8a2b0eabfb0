package verdicttable

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// MinWidth and MaxWidth bound the width the text table is fitted to
// (WriteTextWidth); 0 is also a width: the table as WriteText prints
// it, never wrapped.
const (
	MinWidth = 40
	MaxWidth = 10_000
)

// CheckWidth checks a width the text table is to be fitted to: 0, or
// MinWidth..MaxWidth columns. The error says what the width is to be, for
// the caller to put after the width as given ("--width 0x10: want …").
func CheckWidth(width int) error {
	if width != 0 && (width < MinWidth || width > MaxWidth) {
		return fmt.Errorf("want 0 (never wrap) or %d..%d columns", MinWidth, MaxWidth)
	}
	return nil
}

// ClampWidth returns a terminal's width (0: unknown) as a width the
// table can be fitted to: 0 stays 0, a terminal narrower than MinWidth
// gets a table of MinWidth columns, one wider than MaxWidth MaxWidth.
func ClampWidth(width int) int {
	if width <= 0 {
		return 0
	}
	return min(max(width, MinWidth), MaxWidth)
}

// The table's columns that give way when the table is wider than the
// width it is fitted to: all but the mark, Q and GOT columns, whose
// words are short and of a fixed set. SCENARIO, EDITION, ORACLE and
// IMPACT hold one word each, which never wraps in a column of its own
// width.
var giveWay = []int{scenarioColumn, 3, 4, 5, 7, 8, exploredColumn}

// cutOnly are the columns whose words a stacked table cuts after a
// hyphen and the like (cutWord) when it must: KNOBS, EXPECTED, ORACLE
// and IMPACT. SCENARIO and EDITION are never cut: they are what a person
// reads a row by and copies into a command.
var cutOnly = []int{4, 5, 7, 8}

// The indexes of the SCENARIO column and of the EXPLORED column, the
// table's last.
const (
	scenarioColumn = 2
	exploredColumn = 9
)

// minExplored is the narrowest the EXPLORED column gets beside the
// others: a table that needs it narrower is stacked instead.
const minExplored = 40

// columnGap is the spaces between two columns (the tabwriter's padding).
const columnGap = 2

// runeLen is the width of s in columns: its runes, as the tabwriter
// counts them.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// tableLineWidth is the width of the table's widest line when its
// columns are widths wide.
func tableLineWidth(widths []int) int {
	n := 0
	for _, w := range widths[:len(widths)-1] {
		n += w + columnGap
	}
	return n + widths[len(widths)-1]
}

// layout is how a table is fitted to a width: its columns' widths, and
// whether it is stacked: each row's EXPLORED on lines of its own under
// the row's other columns, indented to SCENARIO, widths[exploredColumn]
// wide.
type layout struct {
	widths  []int
	stacked bool
}

// fitColumns returns how the columns of cells (the heading first, then
// the rows) fit in a table no wider than width. The columns that give
// way (giveWay) narrow, the widest first, down to their longest word:
// they wrap at spaces, EXPLORED only down to minExplored. A table that
// still does not fit is stacked: EXPLORED goes under each row, as wide
// as the width leaves it, and the other columns narrow to their longest
// word, then those of cutOnly to their longest piece (a word wider than
// its column is cut after a hyphen and the like, cutWord); a table that
// does not fit even so keeps that form, and the terminal wraps its
// lines. No column gets narrower than its heading, and the room that the
// others' wrapped lines leave goes to EXPLORED. Width 0 leaves every
// column as wide as its widest cell.
func fitColumns(cells [][]string, width int) layout {
	n := len(cells[0])
	widths, word, piece := make([]int, n), make([]int, n), make([]int, n)
	for _, row := range cells {
		for c, cell := range row {
			widths[c] = max(widths[c], runeLen(cell))
			for _, w := range strings.Fields(cell) {
				word[c] = max(word[c], runeLen(w))
				for _, p := range pieces(w) {
					piece[c] = max(piece[c], runeLen(p))
				}
			}
		}
	}
	if width <= 0 {
		return layout{widths: widths}
	}
	natural := slices.Clone(widths)
	head := func(c int) int { return runeLen(cells[0][c]) }
	whole := func(c int) int { return max(word[c], head(c)) }
	narrow(widths, width, giveWay, func(c int) int {
		if c == exploredColumn {
			return max(whole(c), minExplored)
		}
		return whole(c)
	})
	if tableLineWidth(widths) <= width {
		usedWidths(cells, widths, exploredColumn)
		widths[exploredColumn] = min(natural[exploredColumn], max(widths[exploredColumn], width-tableLineWidth(widths[:exploredColumn+1])+widths[exploredColumn]))
		return layout{widths: widths}
	}
	// Stacked: the row's other columns alone.
	row := slices.Clone(natural[:exploredColumn])
	narrow(row, width, giveWay[:len(giveWay)-1], whole)
	narrow(row, width, cutOnly, func(c int) int { return max(piece[c], head(c)) })
	usedWidths(cells, row, exploredColumn)
	indent := row[0] + columnGap + row[1] + columnGap
	return layout{widths: append(row, max(width-indent, 1)), stacked: true}
}

// usedWidths narrows each of the first n columns to what its wrapped
// lines use: a column's wrapped lines may be narrower than the column.
func usedWidths(cells [][]string, widths []int, n int) {
	for c := range n {
		used := runeLen(cells[0][c])
		for _, row := range cells[1:] {
			for _, line := range wrapCell(row[c], widths[c]) {
				used = max(used, runeLen(line))
			}
		}
		widths[c] = used
	}
}

// narrow narrows the columns cols of a table (the columns that give
// way, giveWay, or some of them) one column at a time, the widest first
// (the rightmost of equals), until the table is no wider than width or
// every one of them is down to floor(c).
func narrow(widths []int, width int, cols []int, floor func(c int) int) {
	for tableLineWidth(widths) > width {
		widest := -1
		for _, c := range cols {
			if c < len(widths) && widths[c] > floor(c) && (widest < 0 || widths[c] >= widths[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			return
		}
		widths[widest]--
	}
}

// writeFitted writes cells as a table laid out as l says (fitColumns): a
// cell wider than its column wraps onto continuation lines, indented to
// its column, with the row's other columns blank there; a stacked
// table's EXPLORED follows its row on lines of their own, indented to
// SCENARIO. No line ends in spaces.
func writeFitted(w io.Writer, cells [][]string, l layout) {
	cols := len(l.widths)
	if l.stacked {
		cols = exploredColumn
	}
	indent := strings.Repeat(" ", l.widths[0]+columnGap+l.widths[1]+columnGap)
	for _, row := range cells {
		lines := make([][]string, cols)
		height := 0
		for c, cell := range row[:cols] {
			lines[c] = wrapCell(cell, l.widths[c])
			height = max(height, len(lines[c]))
		}
		for i := range height {
			var b strings.Builder
			for c := range cols {
				line := ""
				if i < len(lines[c]) {
					line = lines[c][i]
				}
				b.WriteString(line)
				if c < cols-1 {
					b.WriteString(strings.Repeat(" ", l.widths[c]+columnGap-runeLen(line)))
				}
			}
			fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		}
		if l.stacked && row[exploredColumn] != "" {
			for _, line := range wrapCell(row[exploredColumn], l.widths[exploredColumn]) {
				fmt.Fprintln(w, indent+line)
			}
		}
	}
}

// wrapCell wraps text into lines of at most width columns at its spaces.
// A word is cut only when it alone is wider than width (cutWord).
func wrapCell(text string, width int) []string {
	width = max(width, 1)
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if runeLen(word) > width {
			if line != "" {
				lines = append(lines, line)
			}
			cut := cutWord(word, width)
			lines = append(lines, cut[:len(cut)-1]...)
			line = cut[len(cut)-1]
			continue
		}
		switch {
		case line == "":
			line = word
		case runeLen(line)+1+runeLen(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}

// breaks are the characters after which a word wider than its column is
// cut: "reset-vs-mode=complete-anyway" is cut into "reset-", "vs-",
// "mode=", "complete-" and "anyway".
const breaks = "-/=,|_:"

// pieces cuts word after each of its breaks.
func pieces(word string) []string {
	var out []string
	start := 0
	for i, r := range word {
		if strings.ContainsRune(breaks, r) {
			out = append(out, word[start:i+utf8.RuneLen(r)])
			start = i + utf8.RuneLen(r)
		}
	}
	if start < len(word) {
		out = append(out, word[start:])
	}
	return out
}

// cutWord cuts a word wider than width into lines of at most width
// columns: its pieces (after its breaks), as many a line as fit, a piece
// wider than width cut every width letters.
func cutWord(word string, width int) []string {
	var lines []string
	line := ""
	for _, p := range pieces(word) {
		for runeLen(p) > width {
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			i := 0
			for range width {
				_, size := utf8.DecodeRuneInString(p[i:])
				i += size
			}
			lines = append(lines, p[:i])
			p = p[i:]
		}
		if runeLen(line)+runeLen(p) > width {
			lines = append(lines, line)
			line = ""
		}
		line += p
	}
	return append(lines, line)
}

// notesWrap wraps what is written under the table at width columns,
// continuation lines indented. WriteText wraps some lines at tableWidth
// (line); a table fitted to a width (fitted) also reflows the legend's
// paragraphs (paragraph) and wraps the lines WriteText leaves as they
// are (extra).
type notesWrap struct {
	width  int
	fitted bool
}

// line wraps a line WriteText wraps.
func (n notesWrap) line(s string) string { return wrapLine(s, n.width, "    ") }

// extra wraps a line WriteText leaves whole, when the table is fitted.
func (n notesWrap) extra(s string) string {
	if !n.fitted {
		return s
	}
	return n.line(s)
}

// paragraph reflows a paragraph of the legend (its blank lines before
// it kept) at the width, when the table is fitted.
func (n notesWrap) paragraph(s string) string {
	if !n.fitted {
		return s
	}
	text := strings.TrimLeft(s, "\n")
	return s[:len(s)-len(text)] + wrapLine(strings.Join(strings.Fields(text), " "), n.width, "") + "\n"
}
