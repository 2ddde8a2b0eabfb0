package runselect

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Why a selection gives no row, and which scenario of it gives none while
// others do: no expect line at all, or none for --spec's edition.
func TestNothingToJudge(t *testing.T) {
	draft := &scenario.Scenario{Name: "a", File: "a.scn", Expect: []scenario.Expectation{{Edition: spec.Draft2023}}}
	none := &scenario.Scenario{Name: "b", File: "dir/b.scn"}
	embedded := &scenario.Scenario{Name: "c"}
	for _, tc := range []struct {
		name     string
		scens    []*scenario.Scenario
		edition  spec.Edition
		why      string
		unjudged []string
	}{
		{"a row", []*scenario.Scenario{draft, none}, 0, "", []string{"dir/b.scn (scenario b)"}},
		{"a row of the edition", []*scenario.Scenario{draft}, spec.Draft2023, "", nil},
		{"no line for the edition", []*scenario.Scenario{draft, none}, spec.Virtio14,
			"--spec virtio-1.4: no expect line is for virtio-1.4 (the lines are for draft-2023)", []string{"a.scn (scenario a)", "dir/b.scn (scenario b)"}},
		{"one scenario without lines", []*scenario.Scenario{none}, 0,
			"dir/b.scn: scenario b has no expect lines (docs/scenarios.md: expect EDITION VERDICT)", []string{"dir/b.scn (scenario b)"}},
		{"none with lines", []*scenario.Scenario{none, embedded}, 0, "none of the 2 scenarios has expect lines", []string{"dir/b.scn (scenario b)", "scenario c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.why, NothingToJudge(tc.scens, tc.edition))
			assert.Equal(t, tc.unjudged, Unjudged(tc.scens, tc.edition))
		})
	}
	assert.Equal(t, "", ForEdition(0))
	assert.Equal(t, " for draft-2023", ForEdition(spec.Draft2023))
}

// The catalog's list: one line a scenario, the names in one column, and
// every name one Scenarios takes.
func TestWriteList(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteList(&b))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.NotEmpty(t, lines)
	col := -1
	titleAt := regexp.MustCompile(`^\S+ +\S+ +`)
	for _, l := range lines {
		f := strings.Fields(l)
		require.GreaterOrEqual(t, len(f), 3, l)
		assert.Regexp(t, `^(Q\d+|-)$`, f[0])
		c := len(titleAt.FindString(l)) // where the title starts
		if col == -1 {
			col = c
		}
		assert.Equal(t, col, c, "the titles start in one column: %q", l)
		ss, err := Scenarios([]string{f[1]})
		require.NoError(t, err, f[1])
		assert.Equal(t, f[1], ss[0].Name)
	}
}

// The directories --write-regress writes to are checked before anything
// runs: the catalog's under dir, a scenario file's next to it. A missing
// directory is not made until a schedule is written to it.
func TestCheckRegressDirs(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	user := &scenario.Scenario{Name: "u", File: filepath.Join(file, "u.scn")}
	assert.NoError(t, CheckRegressDirs(nil, filepath.Join(base, "new")), "the catalog's directory can be made")
	assert.NoDirExists(t, filepath.Join(base, "new"), "nor made before a schedule is written")
	assert.ErrorContains(t, CheckRegressDirs(nil, filepath.Join(file, "sub")), filepath.Join(file, "sub"))
	assert.ErrorContains(t, CheckRegressDirs([]*scenario.Scenario{user}, base), file, "a file's schedule goes next to it")
}

// Two arguments that give one scenario name are refused before anything
// runs, naming both, when both give rows under the edition judged: their
// rows (and regression schedules, and JUnit testcases) would carry the same
// names. One that gives no row there is only noted (Unjudged).
func TestSameNames(t *testing.T) {
	dir := t.TempDir()
	write := func(file, name, expect string) string {
		p := filepath.Join(dir, file)
		text := "scenario " + name + "\ntitle t\nvfs 1\nguest vcpu0\n  probe\n" + expect + "explore strategy=pct schedules=1 depth=1 seed=1\n"
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	both := "expect virtio-1.4 pass\nexpect draft-2023 pass\n"
	a, b, c := write("a.scn", "mine", both), write("b.scn", "mine", both), write("c.scn", "other", both)
	draft := write("draft.scn", "mine", "expect draft-2023 pass\n")
	smoke := write("smoke.scn", "smoke-migrate", both)
	for _, tc := range []struct {
		name    string
		args    []string
		edition spec.Edition
		err     string
	}{
		{"distinct", []string{a, c, "smoke-migrate"}, 0, ""},
		{"one file twice", []string{a, c, a}, 0, a + " is given twice: a run judges a scenario once"},
		{"a catalog name twice", []string{"smoke-migrate", "smoke-migrate"}, 0, "smoke-migrate is given twice"},
		{"two files, one name", []string{a, b}, 0, a + " and " + b + " both give scenario mine: "},
		{"a file with a catalog name", []string{"smoke-migrate", smoke}, 0, "smoke-migrate and " + smoke + " both give scenario smoke-migrate"},
		{"one name, rows under both editions", []string{a, draft}, 0, a + " and " + draft + " both give scenario mine"},
		{"one name, rows of the edition judged in one", []string{a, draft}, spec.Virtio14, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scens, err := Scenarios(tc.args)
			require.NoError(t, err)
			require.Len(t, scens, len(tc.args))
			err = SameNames(tc.args, scens, tc.edition)
			if tc.err == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}
