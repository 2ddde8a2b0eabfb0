package mutants_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/replayverdict"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// TestChargeAgrees runs the kit on the catching scenario of every mutant
// (catches, the rows of the catching edition) and checks, for every failed
// row with a counterexample, that the report, the counterexample file and
// `migsim conform --replay` of that file name one charge: the report's
// requirements are the file's reqs_broken and what the replay prints as
// "charged:", the report's involved requirements the rest of the file's
// reqs and what the replay prints as "involved, not charged:", and a
// failure that charges none says why in the report as the replay does
// ("charges no requirement:"). Each row is judged with the mutant around
// the reference of the row's device type (kitDevice).
func TestChargeAgrees(t *testing.T) {
	seen := map[string]bool{}
	rows := 0
	for _, c := range catches {
		key := c.mutant + " " + c.scenario + " " + c.edition.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		t.Run(c.mutant+"/"+c.scenario, func(t *testing.T) {
			m, ok := mutants.Lookup(c.mutant)
			require.True(t, ok)
			d := kitDevice(t, c, m)
			rep, err := conformance.Check(d, conformance.Short(), conformance.Parts(false, true),
				conformance.Scenarios(c.scenario), conformance.Editions(c.edition), conformance.ReplayDir(t.TempDir()))
			require.NoError(t, err)
			for _, u := range rep.Units {
				for _, f := range u.Failures {
					if f.Schedule == "" {
						continue
					}
					rows++
					sc, err := catalog.ReadScheduleFile(f.Schedule)
					require.NoError(t, err, u.Name)
					require.NotNil(t, sc.Finding, u.Name)
					assert.Equal(t, f.Requirements, orEmpty(sc.Finding.ReqsBroken), "%s: the file's reqs_broken", u.Name)
					assert.Equal(t, orEmpty(slices.Concat(f.Requirements, f.Involved)), orEmpty(sc.Finding.Reqs), "%s: the file's reqs", u.Name)
					r, err := conformance.ReplayRecorded(context.Background(), d, f.Schedule, engine.RunConfig{}, 0)
					var out strings.Builder
					v := replayverdict.Judge(context.Background(), d, f.Schedule, sc, r, err, &out)
					require.Equal(t, replayverdict.Failing, v.Kind, "%s: %s", u.Name, v.Message)
					assert.Equal(t, f.Requirements, printed(out.String(), "  charged: "), "%s: the replay's charge:\n%s", u.Name, out.String())
					assert.Equal(t, orEmpty(f.Involved), printed(out.String(), "  involved, not charged: "), "%s: the replay's involved:\n%s", u.Name, out.String())
					if f.Check == "catalog row" {
						assert.Equal(t, f.Uncharged, printedLine(out.String(), "  charges no requirement: "), "%s: why it charges none:\n%s", u.Name, out.String())
					}
				}
			}
		})
	}
	assert.Positive(t, rows, "no failed row with a counterexample")
}

// printed returns the IDs of the replay's line that begins with prefix
// (empty when there is none).
func printed(out, prefix string) []string {
	for _, line := range strings.Split(out, "\n") {
		if ids, ok := strings.CutPrefix(line, prefix); ok {
			return strings.Fields(ids)
		}
	}
	return []string{}
}

// printedLine returns the rest of the replay's line that begins with
// prefix ("" when there is none).
func printedLine(out, prefix string) string {
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return rest
		}
	}
	return ""
}

func orEmpty(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

// TestChargeOfAnOlderFile: a counterexample file written before the kit
// recorded its charge (its finding's reqs the transparent oracle's
// requirements of the edition, no reqs_broken) replays to the charge the
// report makes: the replay decides it from the file's run, never from the
// requirements the file records.
func TestChargeOfAnOlderFile(t *testing.T) {
	m, ok := mutants.Lookup("acks-state-without-applying")
	require.True(t, ok)
	d := conformance.FactoryDevice(m.Name, m.Factory(blk.New))
	dir := t.TempDir()
	rep, err := conformance.Check(d, conformance.Short(), conformance.Parts(false, true),
		conformance.Scenarios("kick-during-stop"), conformance.Editions(spec.Virtio14), conformance.ReplayDir(dir))
	require.NoError(t, err)
	u, ok := rep.Unit("kick-during-stop/virtio-1.4")
	require.True(t, ok)
	require.Len(t, u.Failures, 1)
	f := u.Failures[0]
	assert.Equal(t, []string{"DP-DEV-08"}, f.Requirements, "the values the DEV_PARTS_SET carried")
	assert.Equal(t, []string{"DP-DEV-09", "DP-DEV-11"}, f.Involved)
	sc, err := catalog.ReadScheduleFile(f.Schedule)
	require.NoError(t, err)
	sc.Finding.Reqs, sc.Finding.ReqsBroken = []string{"DP-DEV-09", "DP-DEV-10"}, nil // as the kit wrote it before
	old := filepath.Join(dir, "older.json")
	require.NoError(t, sc.WriteFile(old))
	back, err := catalog.ReadScheduleFile(old)
	require.NoError(t, err)
	require.Nil(t, back.Finding.ReqsBroken)
	r, err := conformance.ReplayRecorded(context.Background(), d, old, engine.RunConfig{}, 0)
	var out strings.Builder
	v := replayverdict.Judge(context.Background(), d, old, back, r, err, &out)
	require.Equal(t, replayverdict.Failing, v.Kind, v.Message)
	assert.Contains(t, out.String(), "\n  charged: DP-DEV-08\n  charged by the first difference: a configuration read\n  involved, not charged: DP-DEV-09 DP-DEV-11\n")
}
