package extdevice

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// errLineTooLong is returned for a line longer than MaxLine.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", MaxLine)

// readLine returns the next line without its newline. It returns io.EOF
// at the end of input on a line boundary, and an error for a last line
// without newline or a line longer than MaxLine. The line aliases r's
// buffer until the next read.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	switch {
	case err == nil:
		return line[:len(line)-1], nil
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, errLineTooLong
	case errors.Is(err, io.EOF) && len(line) == 0:
		return nil, io.EOF
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("output ends inside a line (%d bytes without newline): %w", len(line), io.ErrUnexpectedEOF)
	}
	return nil, err
}

// DecodeMessage decodes one line strictly: a single JSON object whose keys
// are all fields of Message (case-sensitive, at every depth), with an id
// and an op. Errors name the byte offset where the line stops making
// sense.
func DecodeMessage(line []byte) (*Message, error) {
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

// writeMessage writes m as one line and flushes.
func writeMessage(w *bufio.Writer, m *Message) error {
	return writeLine(w, appendMessage(w.AvailableBuffer(), m))
}

// writeLine writes line, which may be w's available buffer, and a
// newline, and flushes.
func writeLine(w *bufio.Writer, line []byte) error {
	if _, err := w.Write(append(line, '\n')); err != nil {
		return err
	}
	return w.Flush()
}
