package wire

import (
	"errors"
	"fmt"
)

// Decode decodes one line strictly: a single JSON object whose keys
// are all fields of Message (case-sensitive, at every depth), with an id
// and an op. Errors name the byte offset where the line stops making
// sense.
func Decode(line []byte) (*Message, error) {
	m, err := parseMessage(line)
	if err != nil {
		q := quoteLine(line)
		if pe := (*parseError)(nil); errors.As(err, &pe) {
			q = quoteAt(line, pe.pos)
		}
		return nil, fmt.Errorf("malformed message %s: %w", q, err)
	}
	if m.Op == "" {
		return nil, fmt.Errorf("malformed message %s: no op", quoteLine(line))
	}
	if m.ID == 0 {
		return nil, fmt.Errorf("malformed message %s: no id", quoteLine(line))
	}
	return m, nil
}

// quoteMax is how much of a line an error message quotes.
const quoteMax = 120

// quoteLine quotes the start of a line for error messages.
func quoteLine(line []byte) string {
	if len(line) > quoteMax {
		return fmt.Sprintf("%q… (%d bytes)", line[:quoteMax], len(line))
	}
	return fmt.Sprintf("%q", line)
}

// quoteAt quotes a line around byte pos, where the parser found it
// wrong: the whole of a short line, else quoteMax bytes with pos in the
// middle (or as near it as the line's ends allow).
func quoteAt(line []byte, pos int) string {
	if len(line) <= quoteMax {
		return fmt.Sprintf("%q", line)
	}
	lo := min(max(0, pos-quoteMax/2), len(line)-quoteMax)
	hi := lo + quoteMax
	if lo == 0 {
		return quoteLine(line)
	}
	after := ""
	if hi < len(line) {
		after = "…"
	}
	return fmt.Sprintf("…%q%s (bytes %d to %d of %d)", line[lo:hi], after, lo, hi, len(line))
}

// Append appends m as one JSON object, without a newline, with the keys
// and omissions of Message's json tags: what Decode and encoding/json read
// back to the same value.
func Append(b []byte, m *Message) []byte { return appendMessage(b, m) }
