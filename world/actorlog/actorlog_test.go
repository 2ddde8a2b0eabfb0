package actorlog

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLog_RecordsOnlyWhenEnabled(t *testing.T) {
	var nilLog *Log
	require.False(t, nilLog.Enabled())
	require.Equal(t, 0, nilLog.Len())
	nilLog.Add(Entry{Call: 1}) // a nil log records nothing and does not panic

	var l Log
	l.Add(Entry{Call: 1})
	require.Equal(t, 0, l.Len(), "a log records nothing before Enable")
	l.Enable()
	l.Add(Entry{Call: 2, Arg: 7, N: 3})
	l.Add(Entry{Call: 3, B: []byte{1, 2}})
	require.Equal(t, 2, l.Len())
	p := l.Prefix(1)
	require.Equal(t, []Entry{{Call: 2, Arg: 7, N: 3}}, p)
	p = append(p, Entry{Call: 9})
	require.Equal(t, Call(3), l.Prefix(2)[1].Call, "appending to a prefix must not overwrite the log")
	_ = p
}

// TestLog_Share: a shared log holds the same entries, and what either
// side appends afterwards stays its own, whatever room the original's
// tail had left; the full chunks stay shared, and a copy's first append
// copies its tail alone. At every length around the chunks' boundaries,
// shared at its end and at earlier points.
func TestLog_Share(t *testing.T) {
	for _, n := range []int{0, 1, 2, chunkLen - 1, chunkLen, chunkLen + 1, 2*chunkLen - 1, 2 * chunkLen, 5*chunkLen + 3} {
		for _, at := range []int{n, n / 2, max(n-1, 0), n - n%chunkLen} {
			var l Log
			l.Enable()
			for i := range n {
				l.Add(Entry{Call: Call(i)})
			}
			c := l.Share(at)
			require.True(t, c.Enabled())
			require.Equal(t, at, c.Len(), "%d of %d", at, n)
			require.Equal(t, l.Prefix(at), c.Prefix(at), "%d of %d", at, n)
			require.Equal(t, min(at/chunkLen, len(l.chunks)), len(c.chunks), "%d of %d", at, n)
			for i := range c.chunks {
				require.Same(t, &l.chunks[i][0], &c.chunks[i][0], "%d of %d: full chunk %d is shared", at, n, i)
			}
			if len(c.tail) > 0 {
				src := l.tail
				if k := at / chunkLen; k < len(l.chunks) {
					src = l.chunks[k]
				}
				require.Same(t, &src[0], &c.tail[0], "%d of %d: the tail is shared until an append", at, n)
			}
			l.Add(Entry{Call: 1000})
			c.Add(Entry{Call: 2000})
			require.Equal(t, append(seq(n), 1000), calls(l.Prefix(l.Len())), "%d of %d: the original", at, n)
			require.Equal(t, append(seq(at), 2000), calls(c.Prefix(c.Len())), "%d of %d: the copy", at, n)
			require.LessOrEqual(t, cap(c.tail), chunkLen, "%d of %d: a copy's first append copies its tail alone", at, n)
			// Both go on past the next chunk's end apart.
			for i := range chunkLen + 1 {
				l.Add(Entry{Call: Call(3000 + i)})
				c.Add(Entry{Call: Call(4000 + i)})
			}
			for i := range chunkLen + 1 {
				require.Equal(t, Call(3000+i), l.At(n+1+i).Call)
				require.Equal(t, Call(4000+i), c.At(at+1+i).Call)
			}
			require.Equal(t, append(seq(at), 2000), calls(c.Prefix(at+1)), "%d of %d: the copy", at, n)
		}
	}

	var off Log
	offCopy := off.Share(0)
	require.False(t, offCopy.Enabled(), "a log that does not record shares one that does not")
}

// TestReplay_OverChunks: a replay of a log's prefix hands back its entries
// in order across the chunks, as one of NewReplay does.
func TestReplay_OverChunks(t *testing.T) {
	var l Log
	l.Enable()
	n := 3*chunkLen + 5
	for i := range n {
		l.Add(Entry{Call: Call(i), Arg: uint64(i)})
	}
	for _, rp := range []*Replay{l.Replay(n - 2), NewReplay(l.Prefix(n - 2))} {
		require.Equal(t, n-2, rp.Len())
		rp.Skip(chunkLen - 1)
		for i := chunkLen - 1; i < n-2; i++ {
			e, ok := rp.Peek()
			require.True(t, ok)
			require.Equal(t, Call(i), e.Call)
			_, err := rp.Next(Call(i), uint64(i))
			require.NoError(t, err)
		}
		require.True(t, rp.Done())
	}
}

// TestLog_LastCall: the last entry of a call, in the tail, in a chunk or
// in none, as a scan of the whole record finds it.
func TestLog_LastCall(t *testing.T) {
	for _, n := range []int{0, 1, chunkLen - 1, chunkLen, chunkLen + 1, 3*chunkLen + 5} {
		var l Log
		l.Enable()
		for i := range n {
			l.Add(Entry{Call: Call(i % 7)})
		}
		all := l.Prefix(n)
		for c := range Call(9) {
			want := -1
			for i, e := range all {
				if e.Call == c {
					want = i
				}
			}
			require.Equal(t, want, l.LastCall(c), "call %d in %d entries", c, n)
			s := l.Share(n / 2)
			want = -1
			for i, e := range all[:n/2] {
				if e.Call == c {
					want = i
				}
			}
			require.Equal(t, want, s.LastCall(c), "call %d in the first %d of %d entries", c, n/2, n)
		}
	}
}

func seq(n int) []Call {
	out := make([]Call, n)
	for i := range out {
		out[i] = Call(i)
	}
	return out
}

func calls(es []Entry) []Call {
	out := make([]Call, len(es))
	for i, e := range es {
		out[i] = e.Call
	}
	return out
}

func TestReplay(t *testing.T) {
	entries := []Entry{{Call: 1, Arg: 10, N: 5}, {Call: 2, B: []byte{7}}}
	names := func(c Call) string { return map[Call]string{1: "read", 2: "wait", 3: "write"}[c] }
	tests := []struct {
		name  string
		calls []Entry // Call and Arg asked for, in order
		ok    int     // how many succeed
		err   string  // the error of the first failing one
	}{
		{name: "whole record", calls: []Entry{{Call: 1, Arg: 10}, {Call: 2}}, ok: 2},
		{name: "other call", calls: []Entry{{Call: 3, Arg: 10}}, err: "actorlog: entry 0: the rebuilt actor asked for write (argument 0xa) where its record holds read (argument 0xa)"},
		{name: "other argument", calls: []Entry{{Call: 1, Arg: 11}}, err: "actorlog: entry 0: the rebuilt actor asked for read (argument 0xb) where its record holds read (argument 0xa)"},
		{name: "past the end", calls: []Entry{{Call: 1, Arg: 10}, {Call: 2}, {Call: 2}}, ok: 2, err: "actorlog: entry 2: the rebuilt actor asked for wait (argument 0x0) past the end of its record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReplay(entries)
			r.Names = names
			for i, c := range tt.calls {
				e, err := r.Next(c.Call, c.Arg)
				if i < tt.ok {
					require.NoError(t, err)
					require.Equal(t, entries[i], e)
					continue
				}
				require.EqualError(t, err, tt.err)
				var m *MismatchError
				require.True(t, errors.As(err, &m))
				require.Equal(t, i, r.Pos(), "a mismatch hands back nothing")
				return
			}
			require.True(t, r.Done())
			require.Empty(t, tt.err)
		})
	}
}

// TestReplay_Skip: skipped entries are handed back unchecked, and the
// positions in a mismatch stay those of the whole record.
func TestReplay_Skip(t *testing.T) {
	entries := []Entry{{Call: 1}, {Call: 2}, {Call: 3, Arg: 4}}
	tests := []struct {
		skip int
		pos  int
		next Call
	}{{skip: 0, pos: 0, next: 1}, {skip: 2, pos: 2, next: 3}, {skip: 5, pos: 3}}
	for _, tt := range tests {
		r := NewReplay(entries)
		r.Skip(tt.skip)
		require.Equal(t, tt.pos, r.Pos(), "skip %d", tt.skip)
		e, ok := r.Peek()
		require.Equal(t, tt.next != 0, ok, "skip %d", tt.skip)
		require.Equal(t, tt.next, e.Call, "skip %d", tt.skip)
	}
	r := NewReplay(entries)
	r.Skip(2)
	_, err := r.Next(3, 5)
	require.EqualError(t, err, "actorlog: entry 2: the rebuilt actor asked for call 3 (argument 0x5) where its record holds call 3 (argument 0x4)")
}
