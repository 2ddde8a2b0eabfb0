package inputfile

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestHasBOM: only a mark at the very start counts; a lone first byte of
// it, or the mark later in the file, is another problem for the format's
// reader to name.
func TestHasBOM(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"\ufeff{}", true},
		{"\ufeff", true},
		{"\xef\xbb", false},
		{"{}\ufeff", false},
		{"", false},
		{" \ufeff{}", false},
	} {
		assert.Equal(t, tc.want, HasBOM([]byte(tc.in)), "%q", tc.in)
	}
	assert.EqualError(t, BOMError("JSON"),
		"the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow: save it without one")
}
