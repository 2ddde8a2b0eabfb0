package extdevice

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice/wire"
)

// FuzzReadLines reads a device's output stream line by line as the
// process and server do, with a buffer of 16+size bytes standing in for
// MaxLine: the lines read are the stream's, in order and without their
// newlines; the read ends, within one call per line, in io.EOF exactly at
// the end of the stream, in io.ErrUnexpectedEOF for a last line without a
// newline, or in errLineTooLong for a line that does not fit the buffer.
// Every line decodes or is refused, and what decodes writes back to a line
// that decodes the same.
func FuzzReadLines(f *testing.F) {
	var stream []byte
	for _, m := range sampleMessages() {
		line := wire.Append(nil, m)
		f.Add(append(line, '\n'), uint8(255))
		stream = append(append(stream, line...), '\n')
	}
	f.Add(stream, uint8(255))
	f.Add(stream, uint8(0))
	f.Add([]byte("{\"id\":1,\"op\":\"x\"}"), uint8(10))
	f.Add([]byte("\n\n"), uint8(0))
	f.Fuzz(func(t *testing.T, stream []byte, size uint8) {
		bufSize := 16 + int(size)
		r := bufio.NewReaderSize(bytes.NewReader(stream), bufSize)
		var read []byte
		for calls := 0; ; calls++ {
			require.LessOrEqual(t, calls, len(stream), "more reads than bytes")
			line, err := readLine(r)
			rest := stream[len(read):]
			switch {
			case err == nil:
				require.True(t, bytes.HasPrefix(rest, append(bytes.Clone(line), '\n')), "line %q is not the stream's next", line)
				read = append(append(read, line...), '\n')
				if m, err := DecodeMessage(line); err == nil {
					again, err := DecodeMessage(wire.Append(nil, m))
					require.NoError(t, err)
					sameMessage(t, m, again)
				}
				continue
			case errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF):
				require.Empty(t, rest, "EOF before the end")
			case errors.Is(err, io.ErrUnexpectedEOF):
				require.NotEmpty(t, rest)
				require.NotContains(t, string(rest), "\n")
			case errors.Is(err, errLineTooLong):
				require.GreaterOrEqual(t, len(rest), bufSize)
				require.NotContains(t, string(rest[:bufSize]), "\n")
			default:
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
	})
}
