package trace

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// CheckMermaid checks a Mermaid diagram against the grammar of the subset
// migsim writes: a sequenceDiagram (participants, messages ->> -->> -),
// notes over / right of / left of declared participants) or a gantt chart
// (title, dateFormat X, axisFormat, sections, tasks "name :[tags, ]start,
// end" with integer start < end). Message and note text must not carry
// the characters Mermaid reads as syntax (';' '#' '<' '>' unescaped; an
// entity such as #59; is fine). The error names the line.
func CheckMermaid(src string) error {
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	if len(lines) == 0 {
		return fmt.Errorf("trace: mermaid: empty diagram")
	}
	switch strings.TrimSpace(lines[0]) {
	case "sequenceDiagram":
		return checkSequence(lines)
	case "gantt":
		return checkGantt(lines)
	}
	return fmt.Errorf("trace: mermaid: line 1: %q: want sequenceDiagram or gantt", lines[0])
}

var (
	mmParticipant = regexp.MustCompile(`^participant ([A-Za-z0-9_]+)(?: as (.+))?$`)
	mmMessage     = regexp.MustCompile(`^([A-Za-z0-9_]+)(->>|-->>|-\))([A-Za-z0-9_]+): (.*)$`)
	mmNote        = regexp.MustCompile(`^Note (over|right of|left of) ([A-Za-z0-9_]+)(?:,([A-Za-z0-9_]+))?: (.*)$`)
	mmEntity      = regexp.MustCompile(`#[0-9]+;`)
	mmTask        = regexp.MustCompile(`^([^:#;]+) :((?:crit|active|done|milestone), )*([0-9]+), ([0-9]+)$`)
)

func checkSequence(lines []string) error {
	declared := map[string]bool{}
	need := func(n int, ids ...string) error {
		for _, id := range ids {
			if id != "" && !declared[id] {
				return fmt.Errorf("trace: mermaid: line %d: participant %q used before it is declared", n, id)
			}
		}
		return nil
	}
	for i, raw := range lines[1:] {
		n := i + 2
		l := strings.TrimSpace(raw)
		if l == "" || strings.HasPrefix(l, "%%") {
			continue
		}
		if m := mmParticipant.FindStringSubmatch(l); m != nil {
			if declared[m[1]] {
				return fmt.Errorf("trace: mermaid: line %d: participant %q declared twice", n, m[1])
			}
			declared[m[1]] = true
			if err := checkMermaidText(n, m[2]); err != nil {
				return err
			}
			continue
		}
		if m := mmMessage.FindStringSubmatch(l); m != nil {
			if err := need(n, m[1], m[3]); err != nil {
				return err
			}
			if err := checkMermaidText(n, m[4]); err != nil {
				return err
			}
			continue
		}
		if m := mmNote.FindStringSubmatch(l); m != nil {
			if err := need(n, m[2], m[3]); err != nil {
				return err
			}
			if err := checkMermaidText(n, m[4]); err != nil {
				return err
			}
			continue
		}
		return fmt.Errorf("trace: mermaid: line %d: %q is not a participant, message or note", n, l)
	}
	return nil
}

// checkMermaidText refuses raw statement separators, comments and HTML.
func checkMermaidText(n int, s string) error {
	rest := mmEntity.ReplaceAllString(s, "")
	if i := strings.IndexAny(rest, ";#<>\r"); i >= 0 {
		return fmt.Errorf("trace: mermaid: line %d: unescaped %q in %q", n, rest[i], s)
	}
	return nil
}

func checkGantt(lines []string) error {
	section := false
	for i, raw := range lines[1:] {
		n := i + 2
		l := strings.TrimSpace(raw)
		switch {
		case l == "" || strings.HasPrefix(l, "%%"):
		case strings.HasPrefix(l, "title "):
			if strings.ContainsAny(l, ":#;") {
				return fmt.Errorf("trace: mermaid: line %d: title %q holds ':' '#' or ';'", n, l)
			}
		case l == "dateFormat X":
		case strings.HasPrefix(l, "axisFormat "):
		case strings.HasPrefix(l, "section "):
			if strings.ContainsAny(l, ":#;") {
				return fmt.Errorf("trace: mermaid: line %d: section %q holds ':' '#' or ';'", n, l)
			}
			section = true
		default:
			m := mmTask.FindStringSubmatch(l)
			if m == nil {
				return fmt.Errorf("trace: mermaid: line %d: %q is not a gantt statement", n, l)
			}
			if !section {
				return fmt.Errorf("trace: mermaid: line %d: task before any section", n)
			}
			from, _ := strconv.Atoi(m[3])
			to, _ := strconv.Atoi(m[4])
			if to <= from {
				return fmt.Errorf("trace: mermaid: line %d: task ends at %d, not after its start %d", n, to, from)
			}
		}
	}
	return nil
}

// MermaidBlocks returns the bodies of the ```mermaid blocks of a Markdown
// text, for CheckMermaid.
func MermaidBlocks(md string) []string {
	var out []string
	rest := md
	for {
		i := strings.Index(rest, "```mermaid\n")
		if i < 0 {
			return out
		}
		rest = rest[i+len("```mermaid\n"):]
		j := strings.Index(rest, "```")
		if j < 0 {
			return append(out, rest)
		}
		out = append(out, rest[:j])
		rest = rest[j+3:]
	}
}
