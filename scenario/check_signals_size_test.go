package scenario

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckSignalsOfManyActors: what the checks of signals and awaits
// report grows with the scenario, not with its square: a message lists at
// most maxListed names or programs and then says how many there are; a
// missing name is compared for a suggestion with at most maxSuggestFrom
// names; and a chain of awaits written last to first runs through.
func TestCheckSignalsOfManyActors(t *testing.T) {
	many := func(n int, block func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(block(i))
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"a missing name among many signalled",
			"guest g\n" + many(20, func(i int) string { return fmt.Sprintf("  signal s%d\n", i) }) + "  await s19x\n",
			[]string{"23:9 await s19x: no actor signals s19x (signals: s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, … (20 in all)); did you mean s19?"}},
		{"no suggestion among more than maxSuggestFrom",
			"guest g\n" + many(maxSuggestFrom+1, func(i int) string { return fmt.Sprintf("  signal s%d\n", i) }) + "  await s1x\n",
			[]string{fmt.Sprintf("%d:9 await s1x: no actor signals s1x (signals: s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, … (%d in all))", maxSuggestFrom+4, maxSuggestFrom+1)}},
		{"a chain written last to first",
			many(40, func(i int) string { return fmt.Sprintf("guest g%d\n  await s%d\n  signal s%d\n", i, i, i-1) }) + "guest h\n  signal s39\n",
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\n"+tc.src+"vfs 2\nqueues 2\n"))
			require.NoError(t, err)
			err = Check(s, signalsVocabulary())
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, problems(t, err))
		})
	}
}

// TestCheckDeadlockOfManyActors: every program left blocked is a problem,
// each listing at most maxListed of the blocked programs and their count.
func TestCheckDeadlockOfManyActors(t *testing.T) {
	const n = 20
	var b strings.Builder
	b.WriteString("scenario a\nvfs 2\nguest h\n  signal s\n")
	for i := range n {
		fmt.Fprintf(&b, "guest g%d\n  await t\n  signal t\n", i)
	}
	s, err := ParseScenario("a.scn", []byte(b.String()))
	require.NoError(t, err)
	got := problems(t, Check(s, signalsVocabulary()))
	require.Len(t, got, n)
	var list []string
	for i := range maxListed {
		list = append(list, fmt.Sprintf("guest g%d blocked at line %d (await t)", i, 6+3*i))
	}
	for i, p := range got {
		want := fmt.Sprintf("%d:9 await t: no schedule gets past it, the scenario's awaits deadlock: %s; … (%d in all)", 6+3*i, strings.Join(list, "; "), n)
		assert.Equal(t, want, p)
	}
}
