package extdevice

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/migsim/migsim/conformance/extdevice/wire"
)

// errLineTooLong is returned for a line longer than MaxLine.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", MaxLine)

// readLine returns the next line without its newline. It returns io.EOF
// at the end of input on a line boundary, and an error for a last line
// without newline or a line longer than MaxLine; with a read deadline's
// error, the start of a line the deadline cut, if any. The line aliases
// r's buffer until the next read.
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
	case errors.Is(err, os.ErrDeadlineExceeded) && len(line) > 0:
		return line, err // what came of a line the deadline cut (unended)
	}
	return nil, err
}

// unended says that a deadline passed with a line begun and not ended:
// a device that writes its reply without the newline (and flushes it)
// has answered, and the usual advice of a missing reply (flush, a longer
// deadline) would mislead it.
func unended(d time.Duration, line []byte) string {
	q := fmt.Sprintf("%q", line)
	if len(line) > 120 {
		q = fmt.Sprintf("%q… (%d bytes)", line[:120], len(line))
	}
	return fmt.Sprintf("no complete line within %s: the device wrote %s and no newline after it: "+
		"every line ends with \\n (docs/device-protocol.md, \"Lines and values\")", d, q)
}

// DecodeMessage decodes one line strictly (wire.Decode): a single JSON
// object whose keys are all fields of Message (case-sensitive, at every
// depth), with an id and an op.
func DecodeMessage(line []byte) (*Message, error) { return wire.Decode(line) }

// writeMessage writes m as one line and flushes.
func writeMessage(w *bufio.Writer, m *Message) error {
	return writeLine(w, wire.Append(w.AvailableBuffer(), m))
}

// writeLine writes line, which may be w's available buffer, and a
// newline, and flushes.
func writeLine(w *bufio.Writer, line []byte) error {
	if _, err := w.Write(append(line, '\n')); err != nil {
		return err
	}
	return w.Flush()
}
