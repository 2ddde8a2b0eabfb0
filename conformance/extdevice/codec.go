package extdevice

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/migsim/migsim/conformance/extdevice/wire"
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
