package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/cmdbase"
)

// findingNames are the requirements and actors one output gives a finding.
type findingNames struct{ reqs, actors string }

// TestExplore_FindingNamesAgree: for one run, the requirements and actors
// explore lists for the finding, the ones under its (not) shrunk run, the
// schedule file's, trace --format json's, replay's and the report's are
// the same: all derive them from the run the host observed
// (catalog.FindingReqs, the actors of the causal slice), none shows the
// oracle's own list. conform --replay (with the reference device) shows
// the same actors and the same requirements, divided as the conformance
// kit charges them (docs/conformance.md, "What a failed row charges"):
// charged, and apart those involved, not charged. The actors include every actor whose step the
// explanation names, such as a peer whose kick the finding needs (dma1 in
// vm-p2p-doorbells-no-stop).
func TestExplore_FindingNamesAgree(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		reqs   string
		actors []string
		// charge is what conform --replay prints of the same requirements:
		// its "charged:" and "involved, not charged:" lines.
		charge string
	}{
		{"reset racing stop, reply on start", []string{"--scenario", "reset-racing-stop", "--spec", "virtio-1.4", "--knob", "reset-vs-mode=reply-on-start", "--schedules", "100"},
			"involved DP-DEV-09 DP-DEV-12", []string{"vcpu0", "hv"}, "DP-DEV-09; DP-DEV-12"},
		{"peer doorbells without Stop", []string{"--scenario", "vm-p2p-doorbells-no-stop", "--spec", "draft-2023", "--schedules", "60"},
			"broken DRAFT-FLOW-01; involved DRAFT-CTX-01 DRAFT-FRZ-01", []string{"vcpu0", "vcpu1", "hv", "dma2", "dma1"}, "DRAFT-CTX-01; DRAFT-FLOW-01 DRAFT-FRZ-01"},
	}
	found := regexp.MustCompile(`(?m)^finding \S+ at schedule #\d+ .*\n  requirements: (.*)\n  actors: (.*)\n`)
	kept := regexp.MustCompile(`(?m)^not shrunk \(--no-shrink\) .*\n  impact: .*\n  requirements: (.*)\n  actors: (.*)\n`)
	replayed := regexp.MustCompile(`(?m)^  requirements: (.*)\n  actors: (.*)\n`)
	charged := regexp.MustCompile(`(?m)^  charged: (.*)\n  charged .*\n  involved, not charged: (.*)\n  actors: (.*)\n`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"explore", "--jobs", "1", "--no-shrink", "--out", dir}, c.args...)
			code, out, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitFinding, code, stderr)
			m := replayLine.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			path := m[1]
			got := map[string]findingNames{}
			for name, re := range map[string]*regexp.Regexp{"explore": found, "explore, not shrunk": kept} {
				if m := re.FindStringSubmatch(out); assert.NotNil(t, m, "%s in\n%s", name, out) {
					got[name] = findingNames{m[1], m[2]}
				}
			}

			sc, err := catalog.ReadScheduleFile(path)
			require.NoError(t, err)
			require.NotNil(t, sc.Finding)
			got["schedule file"] = findingNames{sc.Finding.ReqsText(), strings.Join(sc.Finding.Actors, " ")}

			code, js, stderr := runSimCLI(t, "trace", path, "--format", "json")
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			var doc struct {
				Findings []struct {
					Reqs       []string
					ReqsBroken []string `json:"reqs_broken"`
					Actors     []string
				}
			}
			require.NoError(t, json.Unmarshal([]byte(js), &doc))
			require.Len(t, doc.Findings, 1)
			jf := engine.Finding{Reqs: doc.Findings[0].Reqs, ReqsBroken: doc.Findings[0].ReqsBroken}
			got["trace json"] = findingNames{jf.ReqsText(), strings.Join(doc.Findings[0].Actors, " ")}

			code, rout, stderr := runSimCLI(t, "replay", path)
			require.Equal(t, cmdbase.ExitFinding, code, stderr)
			if m := replayed.FindStringSubmatch(rout); assert.NotNil(t, m, rout) {
				got["replay"] = findingNames{m[1], m[2]}
			}

			code, cout, stderr := runSimCLI(t, "conform", "--device", "builtin:blk", "--replay", path)
			require.Equal(t, cmdbase.ExitFinding, code, stderr)
			if m := charged.FindStringSubmatch(cout); assert.NotNil(t, m, cout) {
				assert.Equal(t, c.charge, m[1]+"; "+m[2], "conform --replay: the kit's charge")
				assert.Equal(t, strings.Join(c.actors, " "), m[3], "conform --replay: actors")
				all := strings.Fields(m[1] + " " + m[2])
				slices.Sort(all)
				want := strings.Fields(strings.NewReplacer("broken ", "", "involved ", "", ";", "").Replace(c.reqs))
				slices.Sort(want)
				assert.Equal(t, want, all, "conform --replay: the same requirements")
			}

			rdir := t.TempDir()
			code, _, stderr = runSimCLI(t, "report", path, "--explain-runs", "0", "--out", rdir)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			md, err := os.ReadFile(filepath.Join(rdir, strings.TrimSuffix(filepath.Base(path), ".json")+".md"))
			require.NoError(t, err)
			got["report"] = reportNames(t, string(md))

			// Every actor whose step an ordering of the explanation names
			// (a device's name has a dot: src.pf, dst.vf1) is among them.
			orders := regexp.MustCompile(`(?m)^    step \d+ ([^: ]+):.* before step \d+ ([^: ]+):`).FindAllStringSubmatch(out, -1)
			require.NotEmpty(t, orders, out)
			for _, o := range orders {
				for _, a := range o[1:] {
					if !strings.Contains(a, ".") {
						assert.Contains(t, c.actors, a, "the explanation names a step of %s", a)
					}
				}
			}

			want := findingNames{c.reqs, strings.Join(c.actors, " ")}
			for name, g := range got {
				assert.Equal(t, want.reqs, g.reqs, "%s: requirements", name)
				assert.Equal(t, want.actors, g.actors, "%s: actors", name)
			}
			assert.Len(t, got, 6, "every output was read")
		})
	}
}

// reportNames reads a finding report's requirements (its table's rows
// marked broken or involved, in order, as engine.Finding.ReqsText words
// them) and its actors ("Actors involved").
func reportNames(t *testing.T, md string) findingNames {
	t.Helper()
	var f engine.Finding
	for _, m := range regexp.MustCompile("(?m)^\\| `(\\S+)` \\| (\\*\\*broken\\*\\*|involved)").FindAllStringSubmatch(md, -1) {
		f.Reqs = append(f.Reqs, m[1])
		if m[2] != "involved" {
			f.ReqsBroken = append(f.ReqsBroken, m[1])
		}
	}
	reqs := []string{f.ReqsText()}
	m := regexp.MustCompile(`(?m)^Actors involved: (.*)\.$`).FindStringSubmatch(md)
	require.NotNil(t, m, md)
	actors := strings.NewReplacer("`", "", ",", "").Replace(m[1])
	return findingNames{strings.Join(reqs, " "), actors}
}

// TestExplore_NoFindingNamesTheExpectLine: an exploration that finds
// nothing (exit 0) still sets the result against the scenario's expect
// line: pass, a verdict this exploration did not find, or no line for the
// edition explored.
func TestExplore_NoFindingNamesTheExpectLine(t *testing.T) {
	src := strings.Replace(mustRead(t, smokeScenario), "expect virtio-1.4 pass", "expect virtio-1.4 violation frozen-context", 1)
	require.Contains(t, src, "expect virtio-1.4 violation frozen-context")
	expectsViolation := filepath.Join(t.TempDir(), "expects-violation.scn")
	require.NoError(t, os.WriteFile(expectsViolation, []byte(src), 0o644))
	noV14 := filepath.Join(t.TempDir(), "draft-only.scn")
	require.NoError(t, os.WriteFile(noV14, []byte(strings.Replace(mustRead(t, smokeScenario), "expect virtio-1.4 pass\n", "", 1)), 0o644))
	cases := []struct {
		name, scenario, spec, want string
	}{
		{"expects pass", smokeScenario, "virtio-1.4",
			"  expected: the scenario expects pass for this edition and knobs: " + smokeScenario + ":11 (expect virtio-1.4 pass)\n"},
		{"expects a violation not found", expectsViolation, "virtio-1.4",
			"  expected: the scenario expects violation frozen-context for this edition and knobs: " + expectsViolation +
				":11 (expect virtio-1.4 violation frozen-context); this exploration did not find it\n"},
		{"no line for the edition", noV14, "virtio-1.4",
			"  expected: the scenario has no expect line for virtio-1.4 with these knobs and settings: nothing says what this exploration should find\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "explore", "--jobs", "1", "--schedules", "3", "--scenario", c.scenario, "--spec", c.spec, "--out", t.TempDir())
			assert.Equal(t, cmdbase.ExitOK, code, "nothing found is exit 0, expected or not: %s", stderr)
			assert.Contains(t, out, "no findings in 3 schedules of ")
			assert.Contains(t, out, c.want)
			assert.Equal(t, 1, strings.Count(out, "  expected: "))
		})
	}
}

// TestExplore_SaysWhetherTheFindingIsExpected: explore exits 1 on any
// finding, and says whether it is the verdict the scenario's expect line
// for the edition, knobs and settings explored gives (naming the line as
// file:line), another one, one where the line expects pass, or that no
// line judges them.
func TestExplore_SaysWhetherTheFindingIsExpected(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"an error row", []string{"--scenario", flrScenario, "--spec", "virtio-1.4"},
			"  expected: this finding is what the scenario expects for this edition and knobs: " + flrScenario + ":21 (expect virtio-1.4 error vf-reset)\n"},
		{"a violation row", []string{"--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep"},
			"  expected: this finding is what the scenario expects for this edition and knobs: " + flrScenario + ":20 (expect draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep violation frozen-context)\n"},
		{"an n/a row of the catalog", []string{"--scenario", "active-to-freeze-on-destination", "--spec", "virtio-1.4"},
			"  expected: this finding is what the scenario expects for this edition and knobs: catalog/scenarios/active-to-freeze-on-destination.scn:45 (expect virtio-1.4 n/a freeze)\n"},
		{"a pass row", []string{"--scenario", wrongScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway"},
			"  expected: the scenario expects pass for this edition and knobs: " + wrongScenario + ":14 (expect draft-2023 flr-vs-mode=complete-anyway pass); this finding contradicts it\n"},
		{"settings no line names", []string{"--scenario", flrScenario, "--spec", "virtio-1.4", "--set", "posted-writes=in-flight-unordered"},
			"  expected: the scenario has no expect line for virtio-1.4 with these knobs and settings: nothing says whether this finding is expected\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"explore", "--jobs", "1", "--schedules", "20", "--no-shrink", "--explain-runs", "0", "--out", t.TempDir()}, c.args...)
			code, out, stderr := runSimCLI(t, args...)
			assert.Equal(t, cmdbase.ExitFinding, code, "a finding is a finding, expected or not: %s", stderr)
			assert.Contains(t, out, c.want)
			assert.Equal(t, 1, strings.Count(out, "  expected: "), "one line, for the first finding")
		})
	}
}
