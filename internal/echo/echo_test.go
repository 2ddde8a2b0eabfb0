package echo

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuote(t *testing.T) {
	long := strings.Repeat("s", 100<<10)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", `""`},
		{"short", "vcpu0:signal ready", `"vcpu0:signal ready"`},
		{"control bytes are escaped", "a\x00\n", `"a\x00\n"`},
		{"at the limit", strings.Repeat("x", Max), strconv.Quote(strings.Repeat("x", Max))},
		{"one byte over", strings.Repeat("x", Max+1), strconv.Quote(strings.Repeat("x", Max)) + "… (257 bytes)"},
		{"100 KiB", long, strconv.Quote(long[:Max]) + "… (102400 bytes)"},
		// A cut inside a multi-byte character cuts before it: the
		// quoted start stays valid UTF-8.
		{"cut at a rune boundary", strings.Repeat("x", Max-1) + "é" + "yy", strconv.Quote(strings.Repeat("x", Max-1)) + "… (259 bytes)"},
		{"cut before a four-byte character", strings.Repeat("x", Max-3) + "😀", strconv.Quote(strings.Repeat("x", Max-3)) + "… (257 bytes)"},
		// Bytes that are not UTF-8 (no character starts near the cut)
		// are cut at Max, not before every one of them.
		{"not UTF-8", strings.Repeat("\x80", Max+44), strconv.Quote(strings.Repeat("\x80", Max)) + "… (300 bytes)"},
	} {
		assert.Equal(t, tc.want, Quote(tc.in), tc.name)
	}
}
