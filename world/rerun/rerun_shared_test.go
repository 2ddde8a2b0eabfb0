package rerun

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/world/actorlog"
)

// TestYield_ResultNotShared: a fast-forward hands the code a yield's
// result that the code owns, as a live yield does: the code may change
// it without changing the record, which the original and every copy of
// the world share (actorlog.Log.Share), so a second rebuild from the same
// record receives what the original received.
func TestYield_ResultNotShared(t *testing.T) {
	var log actorlog.Log
	log.Enable()
	code := func(tp *Tape, live func() []byte, got *[][]byte) {
		y := Yield(tp, func(string) []byte { return live() }, func(s string) string { return s })
		for _, label := range []string{"read", "again"} {
			res := y(label)
			*got = append(*got, append([]byte(nil), res...))
			for i := range res {
				res[i] ^= 0xff // the code uses its result as scratch
			}
		}
	}
	var orig [][]byte
	n := 0
	code(New(&log), func() []byte { n++; return []byte{byte(n), 0x20} }, &orig)
	require.Equal(t, [][]byte{{1, 0x20}, {2, 0x20}}, orig)

	for rebuild := range 2 {
		var got [][]byte
		tp := New(&log)
		err := tp.Rebuild(func() {
			code(tp, func() []byte { t.Fatalf("rebuild %d: a live yield during the fast-forward", rebuild); return nil }, &got)
		})
		require.NoError(t, err, "rebuild %d", rebuild)
		require.Equal(t, orig, got, "rebuild %d: the code received another result than the original", rebuild)
	}
}
