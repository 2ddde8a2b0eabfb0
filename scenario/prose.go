package scenario

import (
	"strings"
	"unicode"
)

// prose reads a `title` or `explain` line (head), whose text after the
// directive is rest, of the line text at line: the title at most MaxTitle
// bytes, the explain lines counted towards MaxExplain (checkExplain). A
// title over its limit is a problem recorded at its first byte; the parse
// goes on.
func (p *scenarioParser) prose(s *Scenario, head, rest, text string, line int) {
	val := strings.TrimSpace(rest)
	// The column of val's first byte: rest is text's tail, and val starts
	// where rest's leading space ends (a search for val in text would find
	// the directive itself in "title title …" or "explain e").
	col := 1 + len(text) - len(strings.TrimLeftFunc(rest, unicode.IsSpace))
	if head == "title" {
		if !p.once("title", line) {
			return
		}
		s.Title = val
		if len(val) > MaxTitle {
			p.keep(p.errAt(line, col, "title: %d bytes long; a title is at most %d bytes", len(val), MaxTitle))
		}
		return
	}
	s.Explain = append(s.Explain, val)
	p.explain += len(val)
	if p.explain > MaxExplain && p.explainPast == 0 {
		p.explainPast, p.explainCol = line, col
	}
}

// checkExplain records the problem of explain lines that hold more than
// MaxExplain bytes together, at the line that passed the limit, with their
// total.
func (p *scenarioParser) checkExplain(s *Scenario) {
	if p.explainPast == 0 {
		return
	}
	p.keep(p.errAt(p.explainPast, p.explainCol, "explain: %d bytes in %d lines, past the limit from this line on; a scenario's explain lines hold at most %d bytes together",
		p.explain, len(s.Explain), MaxExplain))
}
