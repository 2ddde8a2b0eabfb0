package spec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseEdition_Suggests: a misspelt edition is refused with the
// editions and, when one is near (punctuation, case, another version or
// year, the version alone), that one, as a scenario file's edition is.
func TestParseEdition_Suggests(t *testing.T) {
	cases := []struct{ in, want string }{
		{"virtio14", `spec: unknown edition "virtio14" (want draft-2023 or virtio-1.4); did you mean virtio-1.4?`},
		{"Virtio-1.4", "did you mean virtio-1.4?"},
		{"virtio-1.5", "did you mean virtio-1.4?"},
		{"draft_2023", "did you mean draft-2023?"},
		{"draft-2025", "did you mean draft-2023?"},
		{"1.4", "did you mean virtio-1.4?"},
		{"2023", "did you mean draft-2023?"},
		{"seed", `spec: unknown edition "seed" (want draft-2023 or virtio-1.4)`},
		{"", `spec: unknown edition "" (want draft-2023 or virtio-1.4)`},
		{"2", `spec: unknown edition "2" (want draft-2023 or virtio-1.4)`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			_, err := ParseEdition(c.in)
			require.Error(t, err)
			if strings.HasPrefix(c.want, "spec:") { // the whole message
				assert.Equal(t, c.want, err.Error())
				return
			}
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
