package verdicttable

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
)

// errFull is the error of a writer whose room ran out.
var errFull = errors.New("no space left on device")

// shortWriter takes room bytes, then fails every write.
type shortWriter struct{ room int }

func (s *shortWriter) Write(p []byte) (int, error) {
	if len(p) > s.room {
		n := s.room
		s.room = 0
		return n, errFull
	}
	s.room -= len(p)
	return len(p), nil
}

// TestWrite_LostOutputIsAnError: whichever format, a table whose writer
// fails anywhere (at its first byte, half way, at its last) is an error
// that wraps the writer's: `migsim run --report FORMAT=FILE` on a full
// disk must not exit as though the file were whole. The text table
// writes its legend, the lines under it and its summary after its
// columns: a failure there counts too.
func TestWrite_LostOutputIsAnError(t *testing.T) {
	rows := []catalog.Outcome{crossCheckRow(t), caveatRow()}
	for _, format := range Formats {
		var whole bytes.Buffer
		require.NoError(t, Write(&whole, format, rows, "", ""))
		n := whole.Len()
		require.Greater(t, n, 2)
		for _, room := range []int{0, n / 2, n - 1} {
			t.Run(fmt.Sprintf("%s, %d of %d bytes", format, room, n), func(t *testing.T) {
				err := Write(&shortWriter{room: room}, format, rows, "", "")
				assert.ErrorIs(t, err, errFull)
			})
		}
		t.Run(format+", room for all of it", func(t *testing.T) {
			assert.NoError(t, Write(&shortWriter{room: n}, format, rows, "", ""))
		})
	}
}
