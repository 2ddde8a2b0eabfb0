package harness

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExpectSameSaysWhatDiffers: a failure of ExpectSame gives both lengths
// and the bytes of each from the first difference on, not only where it is
// ("1 bytes differ from the 1 expected" left the implementer to guess what
// the device returned).
func TestExpectSameSaysWhatDiffers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want []byte
		says      string
	}{
		{"one byte", []byte{1}, []byte{0}, "writeback: got 1 bytes, want 1, first different at byte 0: got 01, want 00"},
		{"a window of 8 bytes, more after", []byte("abcdefghijklmnop"), []byte("abcXefghijklmnop"),
			"writeback: got 16 bytes, want 16, first different at byte 3: got 6465666768696a6b…, want 5865666768696a6b…"},
		{"got is want cut short", []byte{1, 2}, []byte{1, 2, 3}, "writeback: got 2 bytes, want 3, first different at byte 2: got (end), want 03"},
		{"got runs on", []byte{1, 2, 3, 4}, []byte{1}, "writeback: got 4 bytes, want 1, first different at byte 1: got 020304, want (end)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Check{ID: "DP-DEV-10"}
			c.ExpectSame(tc.got, tc.want, "writeback")
			require.Len(t, c.Fails, 1)
			assert.Equal(t, tc.says, c.Fails[0].Message)
			assert.Equal(t, []string{"DP-DEV-10"}, c.Fails[0].Requirements)
		})
	}
	c := &Check{ID: "DP-DEV-10"}
	c.ExpectSame([]byte{1, 2}, []byte{1, 2}, "writeback")
	assert.Empty(t, c.Fails)
	assert.Equal(t, 1, c.Asserted)
}
