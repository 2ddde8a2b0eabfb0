package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// word is one word of a scenario line: its text with quoted parts
// unquoted, and the 1-based byte column it starts at. quoted says the
// text is not the line's bytes (a byte's offset in it is not a column).
type word struct {
	text   string
	col    int
	quoted bool
}

// cutComment returns line without its comment and trailing blanks. A '#'
// outside a quoted string starts a comment; inside a quoted string a
// backslash escapes the next byte, as strconv.Unquote reads it, so the
// comment is cut exactly where the tokenizer stops (a quote left open
// keeps the rest of the line).
func cutComment(line string) string {
	inQuote := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case c == '#' && !inQuote:
			return strings.TrimRight(line[:i], " \t\r")
		}
	}
	return strings.TrimRight(line, " \t\r")
}

// lexWords splits a comment-free line on blanks (spaces and tabs),
// keeping "quoted strings" (Go syntax, anywhere in a word, also after
// key=) together and unquoted.
func lexWords(s string) ([]word, error) {
	var out []word
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		quoted := false
		var b strings.Builder
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			if s[i] == '"' {
				q, err := strconv.QuotedPrefix(s[i:])
				if err != nil {
					return nil, &colError{col: i + 1, msg: "unterminated or malformed quoted string"}
				}
				u, _ := strconv.Unquote(q)
				b.WriteString(u)
				i += len(q)
				quoted = true
				continue
			}
			b.WriteByte(s[i])
			i++
		}
		out = append(out, word{text: b.String(), col: start + 1, quoted: quoted})
	}
	return out, nil
}

// colError is an error at a column of the current line.
type colError struct {
	col int
	msg string
}

func (e *colError) Error() string { return fmt.Sprintf("column %d: %s", e.col, e.msg) }

// validName reports whether s is a non-empty name of ASCII letters, digits, '-',
// '_', '.', ':' or '/', of at most MaxName bytes.
func validName(s string) bool {
	return len(s) <= MaxName && validChars(s)
}

// longName is the problem of a name longer than MaxName ("300 bytes long;
// a name is at most 256 bytes"), or "" for one within it.
func longName(s string) string {
	if len(s) <= MaxName {
		return ""
	}
	return fmt.Sprintf("%d bytes long; a name is at most %d bytes", len(s), MaxName)
}

// validChars reports whether s is a non-empty string of ASCII letters,
// digits, '-', '_', '.', ':' or '/' (a name, but for its length).
func validChars(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || r == ':' || r == '/' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// parseArgs turns words into arguments at line: key=value (the key a
// valid name), or a bare word. A word whose key is not a name is left out
// and returned as a problem, every one of the line, in order.
func parseArgs(words []word, line int) ([]Arg, []*colError) {
	args := make([]Arg, 0, len(words))
	var bad []*colError
	for _, w := range words {
		pos := Pos{line, w.col}
		k, v, ok := strings.Cut(w.text, "=")
		if !ok {
			args = append(args, Arg{Value: w.text, Pos: pos})
			continue
		}
		if !validChars(k) {
			bad = append(bad, &colError{col: w.col, msg: fmt.Sprintf("%s: bad key %s (want ASCII letters, digits, '-', '_', '.', ':' or '/')", quote(w.text), quote(k))})
			continue
		}
		if long := longName(k); long != "" {
			bad = append(bad, &colError{col: w.col, msg: fmt.Sprintf("key %s: %s", quote(k), long)})
			continue
		}
		args = append(args, Arg{Key: k, Value: v, Pos: pos})
	}
	return args, bad
}

// Lookup returns the value of key among args.
func Lookup(args []Arg, key string) (string, bool) {
	for _, a := range args {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// maxEcho bounds how many bytes of a token an error message repeats: a
// megabyte-long word is named by its start.
const maxEcho = 64

// clip cuts s to maxEcho bytes (at a UTF-8 boundary) with an ellipsis.
func clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Quote renders a token of a scenario file for an error message as a Go
// quoted string, clipped to its first 64 bytes with an ellipsis: a
// megabyte-long word is named by its start.
func Quote(s string) string { return quote(s) }

// quote renders a token of the file for an error message as a Go quoted
// string, clipped (clip).
func quote(s string) string {
	c := clip(s)
	if c == s {
		return strconv.Quote(s)
	}
	return strconv.Quote(strings.TrimSuffix(c, "…")) + "…"
}

// Echo renders a token of a scenario file for an error message as it is
// written when it is plain (printable ASCII without blanks, quotes, '#' or
// '\\'), else as Quote does; clipped to its first 64 bytes either way.
func Echo(s string) string { return echo(s) }

// echo is Echo.
func echo(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '#' || c == '\\' {
			return quote(s)
		}
	}
	return clip(s)
}

// byteOrderMark is U+FEFF in UTF-8, which some editors write at the start
// of a file.
const byteOrderMark = "\ufeff"

// controlByte finds the first control byte of a line (a tab is a blank,
// and a carriage return may end the line, as in a CRLF file): its 1-based
// column and its name, or 0.
func controlByte(line string) (int, string) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '\t' || (c == '\r' && i == len(line)-1) || (c >= ' ' && c != 0x7f) {
			continue
		}
		return i + 1, byteName(c)
	}
	return 0, ""
}

// byteName names a control byte: "NUL byte", "control byte 0x1b".
func byteName(c byte) string {
	if c == 0 {
		return "NUL byte"
	}
	return fmt.Sprintf("control byte %#02x", c)
}

// nameProblem returns the byte offset of the first character of s a name
// may not hold (validName) and what it is: a NUL or control byte, a
// byte-order mark, a blank, another character. An empty s is the empty
// name.
func nameProblem(s string) (int, string) {
	if s == "" {
		return 0, "empty name"
	}
	for i, r := range s {
		switch {
		case r == '-' || r == '_' || r == '.' || r == ':' || r == '/' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			continue
		case r < ' ' || r == 0x7f:
			return i, byteName(byte(r))
		case r == 0xfeff:
			return i, "byte-order mark (U+FEFF)"
		case r == utf8.RuneError:
			return i, fmt.Sprintf("invalid UTF-8 byte %#02x", s[i])
		case r == ' ':
			return i, "blank"
		default:
			return i, fmt.Sprintf("character %q", r)
		}
	}
	return 0, "empty name"
}
