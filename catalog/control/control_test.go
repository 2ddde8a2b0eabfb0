package control

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/record"
)

// regress is the directory of the catalog's recorded counterexamples.
var regress = filepath.Join("..", "testdata", "regress")

// readRegress reads a recorded counterexample and builds its target.
func readRegress(t *testing.T, name string) (*schedfile.Schedule, catalog.Target) {
	t.Helper()
	sc, err := catalog.ReadScheduleFile(filepath.Join(regress, name))
	require.NoError(t, err)
	tg, err := catalog.TargetOf(sc)
	require.NoError(t, err)
	return sc, tg
}

// migrationWords are the hypervisor's operations a run without migration
// skips (docs/scenarios.md, "Reference runs"): none of them may label one
// of its steps.
var migrationWords = []string{"mode", "read", "discard", "forget", "write", "save", "load", "vfio", "precopy",
	"vfio-write", "data-size", "halt-vcpus", "resume-vcpus", "copy-memory", "copy-pci", "switchover", "fail",
	"precheck", "corrupt"}

// assertNoMigration checks that run r shows no migration: no hypervisor
// step of a migration operation, no admin command after the hosts' boot
// (step 0: the owner driver's initialisation), no member in a mode other
// than Active/running.
func assertNoMigration(t *testing.T, r Run) {
	t.Helper()
	for _, s := range r.Steps {
		if s.Actor != "hv" {
			continue
		}
		word, _, _ := strings.Cut(strings.TrimPrefix(s.Label, "hv:"), " ")
		assert.NotContains(t, migrationWords, word, "step %d %q is a migration operation", s.Step, s.Label)
	}
	for _, e := range r.Events {
		switch e.Kind {
		case record.TraceAdmin:
			assert.Zero(t, e.Step, "admin command after the boot at step %d: %s", e.Step, e.Text)
		case record.TraceState:
			assert.Equal(t, spec.ModeActive, e.State.Mode, "%s.%s changed mode at step %d", e.Host, e.Target, e.Step)
		}
	}
}

// transparentEntry reads the entry index and both entries out of a
// transparent finding's message ("… entry 3 of its log is "X", without
// migration "Y"").
func transparentEntry(t *testing.T, msg string) (int, string, string) {
	t.Helper()
	_, rest, ok := strings.Cut(msg, "entry ")
	require.True(t, ok, "no entry in %q", msg)
	var i int
	_, err := fmt.Sscanf(rest, "%d", &i)
	require.NoError(t, err)
	_, rest, _ = strings.Cut(rest, " is ")
	var got, want string
	_, err = fmt.Sscanf(strings.Replace(rest, ", without migration ", " ", 1), "%q %q", &got, &want)
	require.NoError(t, err, "entries of %q", msg)
	return i, got, want
}

// TestCompare_Catalog: over counterexamples of blk and net scenarios under
// both editions, the control run shows no migration, passes the oracles,
// gives the guest log the transparent oracle compares with (the target's
// Reference) and, for a transparent finding, the comparison's first
// difference is the entry the finding names; a finding that ends the
// migrated run early shows as its log ending there.
func TestCompare_Catalog(t *testing.T) {
	cases := []struct {
		file   string
		oracle string
		entry  int // the first difference's entry; -1: not checked here
	}{
		{"flr-on-destination-after-write_draft-2023.json", "transparent", 3},
		{"flr-on-destination-after-write_virtio-1.4.json", "transparent", -1},
		{"wce-write-during-stop_virtio-1.4.json", "transparent", -1},
		{"net-link-down-while-stopped_draft-2023.json", "transparent", -1},
		{"net-link-down-while-stopped_virtio-1.4.json", "transparent", 2},
		{"net-tx-reexecuted_draft-2023_reexec=all.json", "wire", -1},
		{"flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway.json", "one-running", 8},
		{"compat-net-mq8-to-4_virtio-1.4.json", "error:incompatible", -1},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			sc, tg := readRegress(t, c.file)
			cmp, err := Compare(tg, sc, 0)
			require.NoError(t, err)
			require.Nil(t, cmp.Control.Result.Finding, "the run without migration passes the oracles")
			assertNoMigration(t, cmp.Control)
			ref, err := tg.Reference(sc.Seed)
			require.NoError(t, err)
			assert.Equal(t, ref, cmp.Control.GuestLog, "the control run's log is the transparent oracle's reference")
			require.NotNil(t, cmp.Migrated)
			require.NotNil(t, cmp.Migrated.Result.Finding)
			fd := cmp.Migrated.Result.Finding
			assert.Equal(t, c.oracle, fd.Oracle)
			assert.Equal(t, sc.Steps, cmp.Migrated.Result.Steps(), "the migrated run is the schedule's")
			assert.Equal(t, FaultMigration, cmp.Fault())
			assert.Equal(t, FirstDifference(cmp.Migrated.GuestLog, cmp.Control.GuestLog), cmp.Difference)
			if c.oracle == "transparent" {
				i, got, want := transparentEntry(t, fd.Message)
				require.NotNil(t, cmp.Difference)
				assert.Equal(t, Difference{Entry: i, Migrated: got, WithoutMigration: want}, *cmp.Difference,
					"the first difference is the entry the finding names")
			}
			if c.entry >= 0 {
				require.NotNil(t, cmp.Difference)
				assert.Equal(t, c.entry, cmp.Difference.Entry)
			}
			if c.oracle == "one-running" {
				assert.Equal(t, "(nothing)", cmp.Difference.Migrated, "the migrated run's log ends at its finding")
			}
		})
	}
}

// TestCompare_Pass: the control run of a passing run of smoke-migrate
// under each edition gives the same guest log as the migrated run, and no
// fault.
func TestCompare_Pass(t *testing.T) {
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
		t.Run(ed.String(), func(t *testing.T) {
			tg, err := catalog.NewTarget(s, ed, nil, nil)
			require.NoError(t, err)
			f, err := tg.Factory(1)
			require.NoError(t, err)
			sc, err := tg.ScheduleAt(f, scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 1, Seed: 1}, 0, 0)
			require.NoError(t, err)
			require.Nil(t, sc.Finding)
			cmp, err := Compare(tg, sc, 0)
			require.NoError(t, err)
			assertNoMigration(t, cmp.Control)
			require.NotNil(t, cmp.Migrated)
			assert.Nil(t, cmp.Difference)
			assert.Equal(t, cmp.Control.GuestLog, cmp.Migrated.GuestLog)
			assert.Equal(t, FaultNone, cmp.Fault())
			var b bytes.Buffer
			require.NoError(t, WriteSummary(&b, cmp, "run.json"))
			assert.Contains(t, b.String(), "the same entries")
			assert.Contains(t, b.String(), "verdict: neither run has a finding and the guest's logs are the same")
		})
	}
}

// plantedWithoutMigration is a planted rule that fires when the
// hypervisor's program ends in a run without migration: a scenario broken
// without any migration, as a guest program that deadlocks by itself
// would be.
type plantedWithoutMigration struct{}

func (plantedWithoutMigration) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "planted", Doc: "a planted rule that fires in a run without migration"}
}

func (plantedWithoutMigration) CheckFlowEnd(p *observe.FlowPass) {
	if p.Reference {
		p.Report(nil, "the planted rule fired without migration")
	}
}

// TestCompare_ControlFails: a run without migration with a finding puts
// the fault on the scenario: the migrated run is not compared (nor
// replayed), and the text and the JSON document say so; the same target
// without the planted rule compares as usual.
func TestCompare_ControlFails(t *testing.T) {
	sc, tg := readRegress(t, "wce-write-during-stop_virtio-1.4.json")
	tg.Oracles = append(oracle.All(), plantedWithoutMigration{})
	cmp, err := Compare(tg, sc, 0)
	require.NoError(t, err)
	require.NotNil(t, cmp.Control.Result.Finding)
	assert.Equal(t, "planted", cmp.Control.Result.Finding.Oracle)
	assert.Nil(t, cmp.Migrated)
	assert.Nil(t, cmp.Difference)
	assert.Equal(t, FaultScenario, cmp.Fault())
	assertNoMigration(t, cmp.Control)
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, cmp, sc, "w.json", 0))
	out := b.String()
	assert.Contains(t, out, "oracles without migration: planted at step ")
	assert.Contains(t, out, "verdict: the run without migration already ends in planted, with no migration at all: "+
		"the scenario (its programs or settings) or the device, not the migration, is at fault; the migrated run is not compared")
	assert.NotContains(t, out, "migrated run (")
	var doc Doc
	b.Reset()
	require.NoError(t, WriteJSON(&b, cmp, sc, "w.json"))
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, FaultScenario, doc.Fault)
	assert.Nil(t, doc.Migrated)
	require.NotNil(t, doc.WithoutMigration.Finding)
	assert.Equal(t, "planted", doc.WithoutMigration.Finding.Oracle)

	tg.Oracles = nil
	cmp, err = Compare(tg, sc, 0)
	require.NoError(t, err)
	assert.Equal(t, FaultMigration, cmp.Fault(), "without the planted rule")
}

// TestCompare_DeviceTroubleIsNotJudged: the oracles judge the run without
// migration as they judge every row's reference run, where gave-up has no
// log to compare with: a device that fails every flush leaves the run
// without migration without a finding (its guest log shows the failed
// flush), as the catalog's judge leaves the row's reference run.
func TestCompare_DeviceTroubleIsNotJudged(t *testing.T) {
	sc, tg := readRegress(t, "wce-write-during-stop_virtio-1.4.json")
	m, ok := mutants.Lookup("fails-flush")
	require.True(t, ok)
	tg.Member = m.Factory(blk.New)
	ref, err := tg.Reference(sc.Seed)
	require.NoError(t, err, "the judge's reference run passes")
	cmp, err := Compare(tg, sc, 0)
	require.NoError(t, err)
	assert.Nil(t, cmp.Control.Result.Finding)
	assert.Equal(t, ref, cmp.Control.GuestLog)
	assert.Contains(t, cmp.Control.GuestLog, "vcpu0: FAIL flush sector=0: status 1")
	require.NotNil(t, cmp.Migrated, "the migrated run is compared")
	require.NotNil(t, cmp.Migrated.Result.Finding)
	assert.Equal(t, "transparent", cmp.Migrated.Result.Finding.Oracle, "the schedule's own finding comes first")
	assert.Equal(t, FaultMigration, cmp.Fault())
}

// TestCompare_StepBound: a control run the step bound cuts is a
// catalog.ReferenceError (the command line's bound, not the scenario).
func TestCompare_StepBound(t *testing.T) {
	sc, tg := readRegress(t, "flr-on-destination-after-write_draft-2023.json")
	_, err := Compare(tg, sc, 10)
	var ref *catalog.ReferenceError
	require.ErrorAs(t, err, &ref)
	assert.True(t, ref.Finding.StepBound())
}

// TestFirstDifference: the first entry that differs, "(nothing)" past a
// log's end, nil for equal logs.
func TestFirstDifference(t *testing.T) {
	cases := []struct {
		name      string
		mig, ctrl []string
		want      *Difference
	}{
		{"equal", []string{"a", "b"}, []string{"a", "b"}, nil},
		{"both empty", nil, nil, nil},
		{"an entry", []string{"a", "x", "c"}, []string{"a", "b", "c"}, &Difference{1, "x", "b"}},
		{"migrated shorter", []string{"a"}, []string{"a", "b"}, &Difference{1, "(nothing)", "b"}},
		{"migrated longer", []string{"a", "b"}, []string{"a"}, &Difference{1, "b", "(nothing)"}},
		{"an empty entry", []string{""}, []string{"a"}, &Difference{0, "(nothing)", "a"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, FirstDifference(c.mig, c.ctrl))
		})
	}
}

// TestWrite_Deterministic: the same schedule gives byte-identical text and
// JSON, from two comparisons made apart.
func TestWrite_Deterministic(t *testing.T) {
	sc, tg := readRegress(t, "net-link-down-while-stopped_virtio-1.4.json")
	var outs [2][2]string
	for i := range outs {
		cmp, err := Compare(tg, sc, 0)
		require.NoError(t, err)
		var text, js bytes.Buffer
		require.NoError(t, WriteText(&text, cmp, sc, "n.json", 0))
		require.NoError(t, WriteJSON(&js, cmp, sc, "n.json"))
		outs[i] = [2]string{text.String(), js.String()}
	}
	assert.Equal(t, outs[0], outs[1])
	text := outs[0][0]
	for _, want := range []string{
		"without migration: scenario net-link-down-while-stopped, virtio-1.4, knobs defaults, seed ",
		"guest log, migrated against without migration: first difference at entry 2\n",
		"  migrated:          vcpu0: config: mac=52:54:00:8a:a9:9e link=up",
		"  without migration: vcpu0: config: mac=52:54:00:8a:a9:9e link=down",
		"verdict: the run without migration passes the oracles and the migrated run ends in transparent: the migration is at fault\n",
		"trace without migration:\n",
	} {
		assert.Contains(t, text, want)
	}
	lines := strings.Split(text, "\n")
	i := slices.Index(lines, "trace without migration:")
	require.Positive(t, i)
	assert.Regexp(t, `^0 t=0s `, lines[i+1], "the text export follows")
}

// TestTracesDoc: the example of docs/traces.md, "The run without
// migration", is what WriteText writes for its counterexample.
func TestTracesDoc(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "traces.md"))
	require.NoError(t, err)
	_, sec, ok := strings.Cut(string(doc), "## The run without migration\n")
	require.True(t, ok, "the section")
	_, block, ok := strings.Cut(sec, "\n```\n")
	require.True(t, ok, "the example")
	block, _, ok = strings.Cut(block, "```")
	require.True(t, ok)
	const name = "flr-on-destination-after-write_draft-2023.json"
	sc, tg := readRegress(t, name)
	cmp, err := Compare(tg, sc, 0)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, cmp, sc, name, 0))
	lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
	require.Len(t, lines, 8)
	assert.Contains(t, b.String(), "\n"+strings.Join(lines, "\n")+"\n", "the example is a run of WriteText's lines")
}

// TestWrite_Formats: Write takes the formats Formats lists, the summary
// going to its second writer beside mermaid and pcapng only; any other
// format is an error that names it.
func TestWrite_Formats(t *testing.T) {
	sc, tg := readRegress(t, "net-link-down-while-stopped_draft-2023.json")
	cmp, err := Compare(tg, sc, 0)
	require.NoError(t, err)
	for _, f := range Formats {
		t.Run(f, func(t *testing.T) {
			var out, summary bytes.Buffer
			require.NoError(t, Write(&out, &summary, f, cmp, sc, "n.json", 0))
			assert.NotEmpty(t, out.String())
			if f == "text" || f == "json" {
				assert.Empty(t, summary.String())
			} else {
				assert.Contains(t, summary.String(), "verdict: the run without migration passes the oracles")
			}
		})
	}
	for _, f := range []string{"dot", "timeline", "gantt", ""} {
		t.Run("refused "+f, func(t *testing.T) {
			var out, summary bytes.Buffer
			err := Write(&out, &summary, f, cmp, sc, "n.json", 0)
			require.Error(t, err)
			assert.Contains(t, err.Error(), fmt.Sprintf("format %q: want one of text, json, mermaid, pcapng", f))
			assert.Empty(t, out.String())
		})
	}
}

// TestCompare_EveryTransparentCounterexample: for every recorded
// transparent counterexample of the catalog, the comparison's first
// difference is the entry the finding names, both entries as it words
// them, and the run without migration passes the oracles.
func TestCompare_EveryTransparentCounterexample(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(regress, "*.json"))
	require.NoError(t, err)
	n := 0
	for _, f := range files {
		sc, err := catalog.ReadScheduleFile(f)
		require.NoError(t, err)
		if sc.Finding == nil || sc.Finding.Oracle != "transparent" {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			tg, err := catalog.TargetOf(sc)
			require.NoError(t, err)
			cmp, err := Compare(tg, sc, 0)
			require.NoError(t, err)
			require.Nil(t, cmp.Control.Result.Finding)
			require.NotNil(t, cmp.Migrated)
			require.NotNil(t, cmp.Migrated.Result.Finding)
			assert.Equal(t, sc.Finding.Message, cmp.Migrated.Result.Finding.Message)
			i, got, want := transparentEntry(t, sc.Finding.Message)
			require.NotNil(t, cmp.Difference)
			assert.Equal(t, Difference{Entry: i, Migrated: got, WithoutMigration: want}, *cmp.Difference)
		})
	}
	assert.GreaterOrEqual(t, n, 20, "the catalog's transparent counterexamples")
}

// TestJudges: the comparison decides the transparent oracle's findings,
// and no other (gave-up's trouble is in both runs: not the migration's).
func TestJudges(t *testing.T) {
	for _, c := range []struct {
		finding *engine.Finding
		want    bool
	}{
		{&engine.Finding{Oracle: "transparent"}, true},
		{&engine.Finding{Oracle: "gave-up"}, false},
		{&engine.Finding{Oracle: "frozen-context"}, false},
		{&engine.Finding{Oracle: "live"}, false},
		{&engine.Finding{Oracle: "error:corrupt"}, false},
		{nil, false},
	} {
		name := "none"
		if c.finding != nil {
			name = c.finding.Oracle
		}
		assert.Equal(t, c.want, Judges(c.finding), name)
	}
}

// TestFault: where each kind of comparison puts the blame, and the verdict
// line that says so; a gave-up finding is trouble both runs show, so the
// device or the scenario, not the migration, is at fault.
func TestFault(t *testing.T) {
	found := func(oracle string) engine.Result { return engine.Result{Finding: &engine.Finding{Oracle: oracle}} }
	cases := []struct {
		name    string
		c       Comparison
		want    Fault
		verdict string
	}{
		{"control fails", Comparison{Control: Run{Result: found("live")}}, FaultScenario, "not the migration, is at fault"},
		{"transparent", Comparison{Migrated: &Run{Result: found("transparent")}, Difference: &Difference{Entry: 2}}, FaultMigration, "the migration is at fault"},
		{"frozen-context, logs equal", Comparison{Migrated: &Run{Result: found("frozen-context")}}, FaultMigration, "the guest's log is the same"},
		// A run cut at its step bound is no proof of a fault: the bound
		// may be too small for the migration.
		{"the step bound", Comparison{Migrated: &Run{Result: engine.Result{Finding: &engine.Finding{Oracle: "live", Message: "step bound 80 exceeded"}}},
			Difference: &Difference{Entry: 2}}, FaultMigration, "or only a migrated run longer than the bound, not a fault"},
		{"a livelock the run found", Comparison{Migrated: &Run{Result: engine.Result{Finding: &engine.Finding{Oracle: "live", Message: "no progress"}}},
			Difference: &Difference{Entry: 2}}, FaultMigration, "the migration is at fault"},
		{"gave-up", Comparison{Migrated: &Run{Result: found("gave-up")}}, FaultDevice, "the device or the scenario, not the migration, fails the guest"},
		// A fault the scenario injects on the source after the VM left it
		// hangs the guest only without migration: the difference is that
		// run's trouble, not the migration's doing.
		{"transparent at the control run's own trouble", Comparison{
			Control:    Run{Trouble: []guest.Trouble{{Kind: guest.Outstanding, Line: "vcpu0: wait: 1 requests never completed", Command: "wait"}}},
			Migrated:   &Run{Result: found("transparent")},
			Difference: &Difference{Entry: 3, Migrated: "vcpu0: read sector=0 count=2: status=0 data=01", WithoutMigration: "vcpu0: wait: 1 requests never completed"},
		}, FaultWithoutMigration, "(the guest's wait ended with requests outstanding: vcpu0: wait: 1 requests never completed): something the scenario does fails the guest without migration only"},
		{"transparent, trouble in both runs' entries", Comparison{
			Control:    Run{Trouble: []guest.Trouble{{Kind: guest.Outstanding, Line: "vcpu0: wait: 1 requests never completed", Command: "wait"}}},
			Migrated:   &Run{Result: found("transparent"), Trouble: []guest.Trouble{{Kind: guest.Outstanding, Line: "vcpu0: wait: 2 requests never completed", Command: "wait"}}},
			Difference: &Difference{Entry: 3, Migrated: "vcpu0: wait: 2 requests never completed", WithoutMigration: "vcpu0: wait: 1 requests never completed"},
		}, FaultMigration, "the migration is at fault"},
		{"transparent, trouble of the migrated run only", Comparison{
			Migrated:   &Run{Result: found("transparent"), Trouble: []guest.Trouble{{Kind: guest.Outstanding, Line: "vcpu0: wait: 1 requests never completed", Command: "wait"}}},
			Difference: &Difference{Entry: 3, Migrated: "vcpu0: wait: 1 requests never completed", WithoutMigration: "vcpu0: write sector=2 count=2: status=0"},
		}, FaultMigration, "the migration is at fault"},
		{"neither", Comparison{Migrated: &Run{}}, FaultNone, "the guest cannot tell it moved"},
		{"neither, logs differ", Comparison{Migrated: &Run{}, Difference: &Difference{}}, FaultNone, "no oracle judged the difference"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.c.Fault())
			assert.Contains(t, verdictText(&c.c), c.verdict)
		})
	}
}
