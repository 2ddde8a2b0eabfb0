package golden

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFirstDifferentLine(t *testing.T) {
	long := strings.Repeat("x", 400)
	for _, tc := range []struct {
		name, a, b string
		line       int
		x, y       string
	}{
		{"same", "a\nb\n", "a\nb\n", 0, "", ""},
		{"second line", "a\nb\nc", "a\nB\nc", 2, "b", "B"},
		{"one more line", "a\nb", "a\nb\n", 3, "", ""},
		{"cut to 300 bytes", long, long + "y", 1, long[:300], long[:300]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, x, y := FirstDifferentLine(tc.a, tc.b)
			assert.Equal(t, tc.line, l)
			assert.Equal(t, tc.x, x)
			assert.Equal(t, tc.y, y)
		})
	}
}
