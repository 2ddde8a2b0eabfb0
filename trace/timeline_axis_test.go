package trace

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTimelineAxis: every tenth column is labelled with the first step it
// covers, the label starting at its column; a label at one of the last
// columns runs past them whole instead of being cut ("100" read as "1").
func TestTimelineAxis(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cols, per int
		want      string
	}{
		{"labels that fit", 55, 3, "0         30        60        90        120       150"},
		{"a label at the last column", 51, 2, "0         20        40        60        80        100"},
		{"a label two columns from the end", 52, 2000, "0         20000     40000     60000     80000     100000"},
		{"one column", 1, 1, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, timelineAxis(tc.cols, tc.per))
		})
	}
}
