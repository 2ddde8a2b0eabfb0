package scenario

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProseLimit: a title is at most MaxTitle bytes and the explain lines
// at most MaxExplain together: at the limit the scenario loads, one byte
// over it is refused at the line and column of the text that passes it,
// with the length and the limit (docs/scenarios.md, "Scenario files").
func TestProseLimit(t *testing.T) {
	const body = "scenario a\nguest g\n  write count=1\n"
	// explain returns n bytes of explanation in lines of at most 100.
	explain := func(n int) string {
		var b strings.Builder
		for ; n > 0; n -= 100 {
			fmt.Fprintf(&b, "explain %s\n", strings.Repeat("e", min(n, 100)))
		}
		return b.String()
	}
	lines := MaxExplain / 100 // whole lines of explain(MaxExplain) before its last
	for _, tc := range []struct {
		name string
		src  string
		want string // "" when it loads
		read int    // the bytes of prose it then holds
	}{
		{"title at the limit", "title  " + strings.Repeat("t", MaxTitle) + "\n" + body, "", MaxTitle},
		{"title over the limit", body + "title  " + strings.Repeat("t", MaxTitle+1) + "\n",
			fmt.Sprintf("x.scn:4:8: title: %d bytes long; a title is at most %d bytes", MaxTitle+1, MaxTitle), 0},
		{"explanation at the limit", body + explain(MaxExplain), "", MaxExplain},
		{"explanation over the limit", body + explain(MaxExplain+1),
			fmt.Sprintf("x.scn:%d:9: explain: %d bytes in %d lines, past the limit from this line on; a scenario's explain lines hold at most %d bytes together",
				3+lines+1, MaxExplain+1, lines+1, MaxExplain), 0},
		{"explanation over the limit, lines after", "title t\n" + explain(MaxExplain+1) + explain(500) + body,
			fmt.Sprintf("x.scn:%d:9: explain: %d bytes in %d lines, past the limit from this line on; a scenario's explain lines hold at most %d bytes together",
				1+lines+1, MaxExplain+501, lines+1+5, MaxExplain), 0},
		// The column is that of the text, even where the text begins
		// with what the line's directive or its first byte spells.
		{"title over the limit, the text begins with title", body + "title " + strings.Repeat("title ", MaxTitle/6+1) + "\n",
			fmt.Sprintf("x.scn:4:7: title: %d bytes long; a title is at most %d bytes", 6*(MaxTitle/6+1)-1, MaxTitle), 0},
		{"explanation over the limit on a line of one byte", body + explain(MaxExplain) + "explain e\n",
			fmt.Sprintf("x.scn:%d:9: explain: %d bytes in %d lines, past the limit from this line on; a scenario's explain lines hold at most %d bytes together",
				3+lines+2, MaxExplain+1, lines+2, MaxExplain), 0},
		// The space around an explain line's text is not counted.
		{"explanation at the limit, lines padded", body + strings.ReplaceAll(explain(MaxExplain), "explain ", "explain \t ") +
			strings.Repeat("explain  \t\n", 3), "", MaxExplain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("x.scn", []byte(tc.src))
			if tc.want == "" {
				require.NoError(t, err)
				assert.Len(t, s.Title+strings.Join(s.Explain, ""), tc.read)
				return
			}
			require.EqualError(t, err, tc.want)
		})
	}
}
