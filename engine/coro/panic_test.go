package coro

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

//go:noinline
func brokenHelper(depth int) {
	if depth > 0 {
		brokenHelper(depth - 1)
		return
	}
	panic("helper broke")
}

//go:noinline
func nilDeref(p *int) int { return *p }

var errPlanted = errors.New("planted error")

// TestPanicFrames: a body's panic reaches the caller of Resume as a
// *Panic with the value and the body's frames, innermost first, up to the
// body function; runtime frames below a run-time error are left out, a
// deep stack keeps its innermost frames and the body's, and an error
// value stays an error.
func TestPanicFrames(t *testing.T) {
	for _, tc := range []struct {
		name      string
		body      func()
		msg       string
		first     string
		truncated bool
	}{
		{"a panic in a helper", func() { brokenHelper(0) }, "helper broke", "github.com/migsim/migsim/engine/coro.brokenHelper", false},
		{"a run-time error", func() { nilDeref(nil) }, "runtime error: invalid memory address or nil pointer dereference",
			"github.com/migsim/migsim/engine/coro.nilDeref", false},
		{"an error value", func() { panic(errPlanted) }, "planted error", "github.com/migsim/migsim/engine/coro.TestPanicFrames", false},
		{"a deep stack", func() { brokenHelper(40) }, "helper broke", "github.com/migsim/migsim/engine/coro.brokenHelper", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(func(yield func(int) int) {
				yield(0)
				tc.body()
			})
			var got any
			func() {
				defer func() { got = recover() }()
				c.Resume(0)
			}()
			p, ok := got.(*Panic)
			require.True(t, ok, "%T %v", got, got)
			assert.Equal(t, tc.msg, p.String())
			assert.Equal(t, tc.msg, p.Error())
			frames := strings.Split(p.Frames, "\n")
			assert.True(t, strings.HasPrefix(frames[0], tc.first), "innermost frame %q, want %s", frames[0], tc.first)
			last := frames[len(frames)-1]
			assert.True(t, strings.HasPrefix(last, "github.com/migsim/migsim/engine/coro.TestPanicFrames."), "the body function last: %q", last)
			assert.NotContains(t, p.Frames, "runBody")
			assert.NotContains(t, p.Frames, "iter.")
			assert.NotContains(t, p.Frames, "runtime.")
			if tc.truncated {
				assert.Len(t, frames, maxPanicFrames)
				assert.Equal(t, "…", frames[len(frames)-2])
			} else {
				assert.Less(t, len(frames), maxPanicFrames)
			}
			assert.Equal(t, errors.Is(p, errPlanted), tc.name == "an error value")
			assert.True(t, c.Done())
		})
	}
}

// TestPanicFrames_Nested: a Panic a body passes on (one from a coroutine
// it resumed) keeps the frames where it was raised.
func TestPanicFrames_Nested(t *testing.T) {
	inner := New(func(yield func(int) int) {
		yield(0)
		brokenHelper(0)
	})
	outer := New(func(yield func(int) int) {
		yield(0)
		inner.Resume(0)
	})
	var got any
	func() {
		defer func() { got = recover() }()
		outer.Resume(0)
	}()
	p, ok := got.(*Panic)
	require.True(t, ok)
	assert.True(t, strings.HasPrefix(p.Frames, "github.com/migsim/migsim/engine/coro.brokenHelper\n"), p.Frames)
	assert.NotContains(t, p.Frames, "TestPanicFrames_Nested.func2", "the inner body's frames, not the outer's")
}
