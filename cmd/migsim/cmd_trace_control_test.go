package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/control"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/world/observe"
)

// regressFile is a recorded counterexample of the catalog.
func regressFile(name string) string {
	return filepath.Join("..", "..", "catalog", "testdata", "regress", name)
}

// TestTraceWithoutMigration_Formats: --without-migration writes the run
// without migration in each format it takes: text and json with the
// comparison (the first difference is the entry the transparent finding
// names), mermaid and pcapng the run's export with the comparison on
// stderr; the same command gives the same bytes twice.
func TestTraceWithoutMigration_Formats(t *testing.T) {
	path := regressFile("flr-on-destination-after-write_draft-2023.json")
	pcap := filepath.Join(t.TempDir(), "c.pcapng")
	// The command that writes pcap, run once by whichever subtest needs it
	// first: the pcapng case judges its output, "pcapng file" the file it
	// wrote. Each subtest runs alone (-run).
	pcapArgs := []string{path, "--without-migration", "--format", "pcapng", "--out", pcap}
	writePcap := sync.OnceValue(func() cliRun {
		var r cliRun
		r.code, r.out, r.stderr = runTraceCmd(pcapArgs...)
		return r
	})
	summary := []string{
		"oracles without migration: pass (no oracle fired)\n",
		"guest log, migrated against without migration: first difference at entry 3\n",
		"  migrated:          vcpu0: wait: 1 requests never completed\n",
		"  without migration: vcpu0: write sector=2 count=2: status=0\n",
		"verdict: the run without migration passes the oracles and the migrated run ends in transparent: the migration is at fault\n",
	}
	cases := []struct {
		name       string
		args       []string
		stdout     []string // what stdout holds
		summaryErr bool     // the comparison is on stderr
	}{
		{"text", nil, append([]string{"without migration: scenario flr-on-destination-after-write, draft-2023, knobs defaults, seed ",
			"  2 vcpu0: write sector=0 count=2: status=0\n  3 vcpu0: write sector=2 count=2: status=0\n",
			"trace without migration:\n0 t=0s "}, summary...), false},
		{"text window", []string{"--window", "3"}, []string{"trace without migration:\n75 t=150ms step hv: sleep 150ms\n"}, false},
		{"json", []string{"--format", "json"}, []string{`"fault": "migration"`, `"entry": 3`, `"without_migration": "vcpu0: write sector=2 count=2: status=0"`}, false},
		{"mermaid", []string{"--format", "mermaid"}, []string{"sequenceDiagram"}, true},
		{"pcapng", pcapArgs[2:], nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{path, "--without-migration"}, c.args...)
			var code int
			var out, stderr string
			if c.name == "pcapng" {
				r := writePcap()
				code, out, stderr = r.code, r.out, r.stderr
			} else {
				code, out, stderr = runTraceCmd(args...)
			}
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			for _, want := range c.stdout {
				assert.Contains(t, out, want)
			}
			for _, line := range summary {
				if c.summaryErr {
					assert.Contains(t, stderr, line)
					assert.NotContains(t, out, line)
				}
			}
			code2, out2, _ := runTraceCmd(args...)
			require.Equal(t, cmdbase.ExitOK, code2)
			assert.Equal(t, out, out2, "the same bytes twice")
		})
	}
	t.Run("pcapng file", func(t *testing.T) {
		w := writePcap()
		require.Equal(t, cmdbase.ExitOK, w.code, w.stderr)
		f, err := os.Open(pcap)
		require.NoError(t, err)
		defer f.Close()
		r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
		require.NoError(t, err)
		assert.Contains(t, r.SectionInfo().Comment, "scenario=flr-on-destination-after-write edition=draft-2023 knobs=default")
		assert.True(t, strings.HasSuffix(r.SectionInfo().Comment, " run=without-migration"), r.SectionInfo().Comment)
	})
	t.Run("json document", func(t *testing.T) {
		code, out, stderr := runTraceCmd(path, "--without-migration", "--format", "json")
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		var doc control.Doc
		require.NoError(t, json.Unmarshal([]byte(out), &doc))
		assert.Equal(t, control.FaultMigration, doc.Fault)
		require.NotNil(t, doc.Migrated)
		require.NotNil(t, doc.Migrated.Finding)
		assert.Equal(t, "transparent", doc.Migrated.Finding.Oracle)
		assert.Nil(t, doc.WithoutMigration.Finding)
		assert.Zero(t, doc.WithoutMigration.Events.State, "no member changes its migration state")
		require.NotNil(t, doc.FirstDifference)
		assert.Equal(t, 3, doc.FirstDifference.Entry)
	})
}

// firesWithoutMigration is a planted rule that fires when the
// hypervisor's program ends in a run without migration: a scenario broken
// without any migration.
type firesWithoutMigration struct{}

func (firesWithoutMigration) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "planted", Doc: "a planted rule that fires in a run without migration"}
}

func (firesWithoutMigration) CheckFlowEnd(p *observe.FlowPass) {
	if p.Reference {
		p.Report(nil, "the planted rule fired without migration")
	}
}

// TestTraceWithoutMigration_ControlFails: a run without migration that
// an oracle judges broken puts the fault on the scenario, in the output
// (text) or on stderr (mermaid), and the trace is still written.
func TestTraceWithoutMigration_ControlFails(t *testing.T) {
	path, sc, tg := controlFailsTarget(t)
	for _, format := range []string{"text", "mermaid"} {
		t.Run(format, func(t *testing.T) {
			var buf, stderr bytes.Buffer
			run, code := traceControl(context.Background(), &buf, &stderr, tg, func(err error) error { return err },
				sc, nil, path, format, 0, catalog.DefaultJudgeMaxSteps, "")
			require.Equal(t, -1, code, stderr.String())
			require.NotNil(t, run.Result.Finding)
			assert.Equal(t, "planted", run.Result.Finding.Oracle)
			judged := buf.String()
			if format != "text" {
				judged = stderr.String()
				assert.Contains(t, buf.String(), "sequenceDiagram")
			}
			assert.Contains(t, judged, "oracles without migration: planted at step ")
			assert.Contains(t, judged, "verdict: the run without migration already ends in planted, with no migration at all: "+
				"the scenario (its programs or settings) or the device, not the migration, is at fault; the migrated run is not compared")
			assert.NotContains(t, judged, "migrated run (")
		})
	}
}

// TestTraceWithoutMigration_BadFlags: combinations --without-migration
// does not take exit 2 with a message that says why, before any run.
func TestTraceWithoutMigration_BadFlags(t *testing.T) {
	path := regressFile("net-link-down-while-stopped_virtio-1.4.json")
	modes := "goes with --format text, json, mermaid or pcapng: %s draws the members' migration modes, which the run without migration never changes"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"dot", []string{"--format", "dot"}, strings.Replace(modes, "%s", "dot", 1)},
		{"timeline", []string{"--format", "timeline"}, strings.Replace(modes, "%s", "timeline", 1)},
		{"gantt", []string{"--format", "gantt"}, strings.Replace(modes, "%s", "gantt", 1)},
		{"window with json", []string{"--format", "json", "--window", "5"}, "--window goes with --format mermaid or text"},
		{"window with pcapng", []string{"--format", "pcapng", "--window", "5", "--out", filepath.Join(t.TempDir(), "x.pcapng")}, "--window goes with --format mermaid or text"},
		{"not a boolean", []string{"--without-migration=maybe"}, "--without-migration"},
		{"two files", []string{path}, "want one schedule FILE, got 2 arguments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runTraceCmd(append([]string{path, "--without-migration"}, c.args...)...)
			assert.Equal(t, cmdbase.ExitUsage, code, stderr)
			assert.Contains(t, stderr, c.want)
			assert.Empty(t, out)
		})
	}
}

// TestReplayWithoutMigration: replay --without-migration prints the
// comparison as trace --without-migration's text does (the oracles'
// line to the verdict) and the replay's trace hash, and exits 1 when
// either run has a finding, 0 when neither has; it takes none of the
// modes that print the run itself.
func TestReplayWithoutMigration(t *testing.T) {
	ref, _ := deviceSchedules(t)
	migration := "verdict: the run without migration passes the oracles and the migrated run ends in %s: the migration is at fault\n"
	cases := []struct {
		name    string
		args    []string
		code    int
		want    []string
		notWant []string
	}{
		{"a transparent finding", []string{regressFile("flr-on-destination-after-write_draft-2023.json")}, cmdbase.ExitFinding, []string{
			"oracles without migration: pass (no oracle fired)\n",
			"guest log, migrated against without migration: first difference at entry 3\n",
			"  migrated:          vcpu0: wait: 1 requests never completed\n",
			"  without migration: vcpu0: write sector=2 count=2: status=0\n",
			strings.Replace(migration, "%s", "transparent", 1),
			"trace hash 3269fe8964aa884d (matches the recording)\n"}, []string{"trace without migration:", "finding transparent at step 126: "}},
		{"a finding that ends the migrated log early", []string{canonicalFinding}, cmdbase.ExitFinding, []string{
			"guest log, migrated against without migration: first difference at entry 8\n  migrated:          (nothing)\n",
			"  (the migrated run's log ends there: its run ended with its finding at step 172)\n",
			strings.Replace(migration, "%s", "frozen-context", 1)}, nil},
		{"no finding", []string{ref}, cmdbase.ExitOK, []string{
			"oracles without migration: pass (no oracle fired)\n",
			"guest log, migrated against without migration: the same entries\n",
			"verdict: neither run has a finding and the guest's logs are the same: the guest cannot tell it moved\n",
			"trace hash "}, []string{"\nno finding\n"}},
		{"with --trace", []string{ref, "--trace"}, cmdbase.ExitUsage, nil, nil},
		{"with --slice", []string{ref, "--slice"}, cmdbase.ExitUsage, nil, nil},
		{"with --explain", []string{ref, "--explain"}, cmdbase.ExitUsage, nil, nil},
		{"not a boolean", []string{ref, "--without-migration=maybe"}, cmdbase.ExitUsage, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append([]string{"replay", "--without-migration"}, c.args...)...)
			require.Equal(t, c.code, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			if c.code == cmdbase.ExitUsage {
				assert.Contains(t, stderr, "--without-migration")
				assert.Empty(t, out)
				return
			}
			assert.True(t, strings.HasPrefix(out, "replay "+c.args[0]+": scenario "), out)
			for _, w := range c.want {
				assert.Contains(t, out, w)
			}
			for _, w := range c.notWant {
				assert.NotContains(t, out, w)
			}
			_, out2, _ := runSimCLI(t, append([]string{"replay", "--without-migration"}, c.args...)...)
			assert.Equal(t, out, out2, "the same output twice")
		})
	}
}

// TestReplayWithoutMigration_ControlFails: a run without migration an
// oracle judges broken puts the fault on the scenario; the recording is
// not replayed (no trace hash) and replay exits 1.
func TestReplayWithoutMigration_ControlFails(t *testing.T) {
	path, sc, tg := controlFailsTarget(t)
	var out, stderr bytes.Buffer
	code := replayControl(context.Background(), &out, &stderr, tg, func(err error) error { return err },
		sc, nil, path, catalog.DefaultJudgeMaxSteps, "")
	require.Equal(t, cmdbase.ExitFinding, code, stderr.String())
	assert.Empty(t, stderr.String())
	assert.Contains(t, out.String(), "oracles without migration: planted at step ")
	assert.Contains(t, out.String(), "verdict: the run without migration already ends in planted, with no migration at all: ")
	assert.NotContains(t, out.String(), "migrated run (")
	assert.NotContains(t, out.String(), "trace hash")
}

// controlFailsTarget reads a regression schedule and returns its path, the
// schedule and its target with an oracle that fires on the run without
// migration (firesWithoutMigration), for the tests of a failing control run.
func controlFailsTarget(t *testing.T) (string, *schedfile.Schedule, catalog.Target) {
	t.Helper()
	path := regressFile("wce-write-during-stop_virtio-1.4.json")
	sc, err := catalog.ReadScheduleFile(path)
	require.NoError(t, err)
	tg, err := catalog.TargetOf(sc)
	require.NoError(t, err)
	tg.Oracles = append(oracle.All(), firesWithoutMigration{})
	return path, sc, tg
}
