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
// array had left.
func TestLog_Share(t *testing.T) {
	var l Log
	l.Enable()
	l.entries = make([]Entry, 0, 8) // room to append in place
	l.Add(Entry{Call: 1})
	l.Add(Entry{Call: 2})
	c := l.Share(l.Len())
	require.True(t, c.Enabled())
	require.Equal(t, l.Prefix(2), c.Prefix(2))
	require.Same(t, &l.entries[0], &c.entries[0], "the entries are shared, not copied")
	l.Add(Entry{Call: 3})
	c.Add(Entry{Call: 4})
	require.Equal(t, []Call{1, 2, 3}, calls(l.Prefix(l.Len())))
	require.Equal(t, []Call{1, 2, 4}, calls(c.Prefix(c.Len())))

	var off Log
	offCopy := off.Share(0)
	require.False(t, offCopy.Enabled(), "a log that does not record shares one that does not")
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
