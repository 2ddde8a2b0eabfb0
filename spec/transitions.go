package spec

import (
	"fmt"
	"strings"
)

// Transition is one DEV_MODE_SET arc of an edition's mode machine.
type Transition struct {
	From, To Mode
	Allowed  bool
}

// TransitionTable is an edition's mode transition table under a set of
// Rules, built from Edition.TransitionAllowed: Allowed[i][j] says whether
// DEV_MODE_SET may move a member from Modes[i] to Modes[j].
type TransitionTable struct {
	Edition Edition
	Rules   Rules
	Modes   []Mode
	Allowed [][]bool
}

// TransitionTable returns the edition's transition table under r.
func (e Edition) TransitionTable(r Rules) TransitionTable {
	modes := e.Modes()
	t := TransitionTable{Edition: e, Rules: r, Modes: modes, Allowed: make([][]bool, len(modes))}
	for i, from := range modes {
		t.Allowed[i] = make([]bool, len(modes))
		for j, to := range modes {
			t.Allowed[i][j] = e.TransitionAllowed(r, from, to)
		}
	}
	return t
}

// Transitions lists every (from, to) pair, allowed or not, rows first.
func (t TransitionTable) Transitions() []Transition {
	var out []Transition
	for i, from := range t.Modes {
		for j, to := range t.Modes {
			out = append(out, Transition{From: from, To: to, Allowed: t.Allowed[i][j]})
		}
	}
	return out
}

// ModeWire describes how mode m is written on the wire in the edition:
// "mode=0x1 (simulator-assigned)" for draft-2023, "flags bit0=1" for
// virtio-1.4.
func (e Edition) ModeWire(m Mode) string {
	if e == Virtio14 {
		if m == ModeStop {
			return "DEV_MODE_SET flags bit0=1"
		}
		return "DEV_MODE_SET flags bit0=0"
	}
	return fmt.Sprintf("mode=%#x (simulator-assigned)", uint8(m))
}

// Text renders the table with rows = from and columns = to, "yes" where
// the arc is allowed and "-" where it is not, followed by a line naming the
// transitions knob it was built under.
func (t TransitionTable) Text() string {
	names := make([]string, len(t.Modes))
	width := len("from \\ to")
	for i, m := range t.Modes {
		names[i] = t.Edition.ModeName(m)
		width = max(width, len(names[i]))
	}
	var b strings.Builder
	cell := func(s string) { fmt.Fprintf(&b, "  %-*s", width, s) }
	cell("from \\ to")
	for _, n := range names {
		cell(n)
	}
	b.WriteString("\n")
	for i := range t.Modes {
		cell(names[i])
		for j := range t.Modes {
			v := "-"
			if t.Allowed[i][j] {
				v = "yes"
			}
			cell(v)
		}
		b.WriteString("\n")
	}
	lines := strings.SplitAfter(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.TrimSuffix(l, "\n"), " ")
	}
	return strings.Join(lines, "\n")
}

// DOT renders the mode machine as a Graphviz digraph: one node per mode
// (edition name and wire value), one edge per allowed arc. Repeating the
// current mode is allowed in every edition; those arcs are drawn as dashed
// self-loops labelled "repeat".
func (t TransitionTable) DOT() string { return t.DOTStyled(nil) }

// ArcStyle gives one arc of the mode machine extra Graphviz attributes
// (`color="red", penwidth=2`), for pictures of what a run did.
type ArcStyle struct {
	From, To Mode
	// Attrs are attribute assignments, comma-separated; a label given here
	// replaces the arc's own.
	Attrs string
}

// DOTStyled is DOT with styles: an allowed arc with a style gets the
// style's attributes; a style on an arc the table does not allow (a
// refused DEV_MODE_SET, a mode change an FLR made) adds that arc, drawn
// with the style's attributes alone. Styles on the same arc are drawn as
// separate edges, in order.
func (t TransitionTable) DOTStyled(styles []ArcStyle) string {
	var b strings.Builder
	label := fmt.Sprintf("%s mode machine: any mode to any mode", t.Edition)
	if t.Edition == Draft2023 {
		label = fmt.Sprintf("%s mode machine, transitions=%s; mode values simulator-assigned",
			t.Edition, transitionsKnob(t.Rules))
	}
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(t.Edition.String()))
	fmt.Fprintf(&b, "  label=%s;\n", dotQuote(label))
	b.WriteString("  labelloc=t;\n")
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  node [shape=box];\n")
	for _, m := range t.Modes {
		name := t.Edition.ModeName(m)
		fmt.Fprintf(&b, "  %s [label=%s];\n", dotQuote(name), dotQuote(name+`\n`+t.Edition.ModeWire(m)))
	}
	used := make([]bool, len(styles))
	edge := func(from, to Mode, attrs string) {
		fmt.Fprintf(&b, "  %s -> %s", dotQuote(t.Edition.ModeName(from)), dotQuote(t.Edition.ModeName(to)))
		if attrs != "" {
			fmt.Fprintf(&b, " [%s]", attrs)
		}
		b.WriteString(";\n")
	}
	for i, from := range t.Modes {
		for j, to := range t.Modes {
			if !t.Allowed[i][j] {
				continue
			}
			base := ""
			if from == to {
				base = `style=dashed, label="repeat"`
			}
			styled := false
			for k, s := range styles {
				if s.From == from && s.To == to {
					used[k], styled = true, true
					edge(from, to, joinAttrs(base, s.Attrs))
				}
			}
			if !styled {
				edge(from, to, base)
			}
		}
	}
	for k, s := range styles {
		if !used[k] && t.Edition.HasMode(s.From) && t.Edition.HasMode(s.To) {
			edge(s.From, s.To, s.Attrs)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// joinAttrs appends extra attributes to base; a label in extra replaces
// base's.
func joinAttrs(base, extra string) string {
	if extra == "" {
		return base
	}
	if strings.Contains(extra, "label=") {
		base = strings.ReplaceAll(base, `, label="repeat"`, "")
	}
	if base == "" {
		return extra
	}
	return base + ", " + extra
}

func transitionsKnob(r Rules) string {
	k, _ := lookupKnob("transitions")
	return k.Get(r)
}

// dotQuote quotes s as a DOT string. Backslashes are kept, so label escapes
// such as \n reach Graphviz; double quotes are escaped.
func dotQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
