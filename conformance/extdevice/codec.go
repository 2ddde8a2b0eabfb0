package extdevice

import (
	"bufio"
	"bytes"
	"encoding/json"
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
// are all fields of Message, with an id and an op. Errors name the byte
// offset where JSON stops making sense.
func DecodeMessage(line []byte) (*Message, error) {
	d := json.NewDecoder(bytes.NewReader(line))
	d.DisallowUnknownFields()
	var m Message
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("malformed message %s: %w", quoteLine(line), jsonError(err, d))
	}
	if d.More() {
		return nil, fmt.Errorf("malformed message %s: data after the JSON object at byte %d", quoteLine(line), d.InputOffset())
	}
	if m.Op == "" {
		return nil, fmt.Errorf("malformed message %s: no op", quoteLine(line))
	}
	if m.ID == 0 {
		return nil, fmt.Errorf("malformed message %s: no id", quoteLine(line))
	}
	return &m, nil
}

// jsonError adds the byte offset to a decoding error.
func jsonError(err error, d *json.Decoder) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("byte %d: %w", se.Offset, err)
	}
	return fmt.Errorf("byte %d: %w", d.InputOffset(), err)
}

// quoteLine quotes the start of a line for error messages.
func quoteLine(line []byte) string {
	const max = 120
	if len(line) > max {
		return fmt.Sprintf("%q… (%d bytes)", line[:max], len(line))
	}
	return fmt.Sprintf("%q", line)
}

// writeMessage writes m as one line and flushes.
func writeMessage(w *bufio.Writer, m *Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.Flush()
}
