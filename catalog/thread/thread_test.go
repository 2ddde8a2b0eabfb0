package thread

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/scenario"
)

// authorByDepth is who wrote a line of the seed thread by its depth of
// "> " quoting: the message is Michael S. Tsirkin's reply to Parav Pandit
// (11 Oct), who answered Jason Wang (11 Oct), who answered Parav (10 Oct),
// and so on back to the patch (depth 7 and more, Parav's).
func authorByDepth(depth int) string {
	switch {
	case depth == 0:
		return WhoMichael
	case depth >= 7 || depth%2 == 1:
		return WhoParav
	}
	return WhoJason
}

var quoteDepth = regexp.MustCompile(`^(?:> ?)*`)

// minClaims is the least number of claims docs/thread.md covers.
const minClaims = 25

// maxPendingClaimRows bounds the rows still to come: raise it only with a
// claim whose judge another change is writing.
const maxPendingClaimRows = 10

func TestClaims(t *testing.T) {
	raw, err := os.ReadFile(File)
	require.NoError(t, err)
	lines := strings.Split(string(raw), "\n")
	ss, err := catalog.Catalog()
	require.NoError(t, err)
	claims := Claims()
	require.GreaterOrEqual(t, len(claims), minClaims)
	pending := 0
	for i, c := range claims {
		require.Truef(t, c.Line >= 1 && c.Line <= len(lines), "claim %d: line %d outside the thread", i+1, c.Line)
		line := lines[c.Line-1]
		assert.Containsf(t, line, c.Quote, "claim %d: the quote is not on line %d", i+1, c.Line)
		depth := strings.Count(quoteDepth.FindString(line), ">")
		assert.Equalf(t, authorByDepth(depth), c.Who, "claim %d (line %d, depth %d)", i+1, c.Line, depth)
		assert.NotEmptyf(t, c.Claim, "claim %d", i+1)
		assert.NotEmptyf(t, c.Why, "claim %d", i+1)
		require.NotEmptyf(t, c.Rows, "claim %d has no row (give it a Pending one)", i+1)
		for _, r := range c.Rows {
			if r.Pending != "" {
				pending++
				assert.Emptyf(t, r.Scenario+r.Edition+r.Knobs+r.Verdict, "claim %d: a pending row names no row", i+1)
				continue
			}
			e := findRow(ss, r)
			if assert.NotNilf(t, e, "claim %d: no row %s %s %q in the catalog", i+1, r.Scenario, r.Edition, r.Knobs) {
				assert.Equalf(t, catalog.VerdictText(e.Verdict, e.Oracle), r.Verdict, "claim %d: row %s %s %q", i+1, r.Scenario, r.Edition, r.Knobs)
			}
		}
		if c.Judged() {
			assert.NotEqualf(t, SideOpen, c.Side, "claim %d is judged: say whom the rows side with", i+1)
		} else {
			assert.Equalf(t, SideOpen, c.Side, "claim %d has no row yet", i+1)
		}
		assert.Containsf(t, []string{WhoParav, WhoJason, WhoMichael, SideNeither, SideOpen}, c.Side, "claim %d", i+1)
	}
	assert.LessOrEqual(t, pending, maxPendingClaimRows, "rows still to come")
	t.Logf("%d claims, %d rows still to come", len(claims), pending)
}

// findRow returns the expectation a claim row names, nil when none.
func findRow(ss []*scenario.Scenario, r ClaimRow) *scenario.Expectation {
	want := strings.Fields(r.Knobs)
	slices.Sort(want)
	for _, s := range ss {
		if s.Name != r.Scenario {
			continue
		}
		for i := range s.Expect {
			e := &s.Expect[i]
			if e.Edition.String() != r.Edition {
				continue
			}
			got := append([]string{}, e.Knobs...)
			for _, a := range e.Settings {
				got = append(got, "set:"+a.Key+"="+a.Value)
			}
			slices.Sort(got)
			if slices.Equal(got, want) {
				return e
			}
		}
	}
	return nil
}

func TestClaimsSorted(t *testing.T) {
	claims := Claims()
	for i := 1; i < len(claims); i++ {
		assert.Lessf(t, claims[i-1].Line, claims[i].Line, "claims %d and %d are not in thread order", i, i+1)
	}
}

// TestDoc fails when docs/thread.md differs from what Doc
// renders. Regenerate with go test ./catalog/thread -run TestDoc -rewrite.
func TestDoc(t *testing.T) {
	want := Doc(Claims())
	file := filepath.Join("..", "..", DocPath)
	if golden.Rewrite() {
		require.NoError(t, os.WriteFile(file, []byte(want), 0o644))
	}
	got, err := os.ReadFile(file)
	require.NoError(t, err, "run go test ./catalog/thread -run TestDoc -rewrite")
	assert.Equal(t, want, string(got), "%s is stale: run go test ./catalog/thread -run TestDoc -rewrite", DocPath)
}
