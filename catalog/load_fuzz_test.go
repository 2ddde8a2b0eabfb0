package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/scenario"
)

// fuzzSeedFiles returns the files matching each pattern.
func fuzzSeedFiles(f *testing.F, patterns ...string) [][]byte {
	f.Helper()
	var out [][]byte
	for _, pat := range patterns {
		paths, err := filepath.Glob(pat)
		require.NoError(f, err)
		require.NotEmpty(f, paths, pat)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			require.NoError(f, err)
			out = append(out, b)
		}
	}
	return out
}

// FuzzLoadScenario loads scenario text as `migsim run FILE` does (parse,
// then check against the world's vocabulary): never a panic, errors are
// the loader's, and a scenario that loads prints (Format) to text that
// loads to an equal scenario. Seeded with the catalog's scenarios.
func FuzzLoadScenario(f *testing.F) {
	for _, b := range fuzzSeedFiles(f, "scenarios/*.scn", "testdata/gen/*.scn") {
		f.Add(b)
	}
	// Problems of the syntax that leave the rest readable, with the
	// check's (docs/scenarios.md, "Checked at load").
	f.Add([]byte("scenario m\nvfs 0\nqueues 2\nqueues 3\nset obj-limit=0 \"a b\"=1\nguest vcpu0 vf=2\n  write q=9 count=0 pattern=0x1ff\n" +
		"expect virtio-1.5 violation bogus\nexpect draft-2023 proof=3 pass\nexplore strategy=dfs schedules=0 seed=x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := LoadScenario("fuzz.scn", src)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "catalog: scenario: "), err.Error())
			// Every problem with its line, in file order.
			var ce *scenario.CheckError
			if errors.As(err, &ce) {
				for i, p := range ce.Problems {
					require.GreaterOrEqual(t, p.Line, 1, err.Error())
					if i > 0 {
						q := ce.Problems[i-1]
						require.True(t, q.Line < p.Line || q.Line == p.Line && q.Col <= p.Col, "not in file order:\n%s", err)
					}
				}
			}
			return
		}
		text := s.Format()
		again, err := LoadScenario("again.scn", []byte(text))
		require.NoError(t, err, "the canonical form of a loaded scenario loads:\n%s", text)
		require.True(t, scenario.Equal(s, again), "load(format(s)) != s:\n%s", text)
	})
}

// FuzzCheckSchedule parses a schedule file and checks what only the world
// gives a meaning to (CheckSchedule), as `migsim replay` does before it
// replays: never a panic, errors name the field, and a schedule that passes
// writes (Marshal) and reads back to an equal schedule that passes, its
// settings printing back as they were written. Seeded with the catalog's
// regression schedules, each also with its checksum recomputed after the
// fuzzer's edits (reseal), which CheckSchedule then sees.
func FuzzCheckSchedule(f *testing.F) {
	for _, b := range fuzzSeedFiles(f, "testdata/regress/*.json", "testdata/sched/*.json") {
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, b []byte, reseal bool) {
		resealed := false
		if reseal { // the checksum recomputed, so that edits reach CheckSchedule
			b, resealed = schedfile.Reseal(b)
		}
		s, err := schedfile.Parse(b)
		if err != nil {
			if resealed && strings.Contains(err.Error(), "field checksum") {
				t.Fatalf("a resealed input is refused for its checksum: %v\n%s", err, b)
			}
			return
		}
		if err := CheckSchedule(s); err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "field "), err.Error())
			return
		}
		args, err := ParseSettings(s.Settings)
		require.NoError(t, err)
		require.True(t, slices.Equal(s.Settings, SettingStrings(args)), "%q", s.Settings)
		out, err := s.Marshal()
		if err != nil {
			return // a schedule that cannot be sealed is not written
		}
		again, err := schedfile.Parse(out)
		require.NoError(t, err, "%s", out)
		require.NoError(t, CheckSchedule(again))
		require.Equal(t, s, again)
	})
}
