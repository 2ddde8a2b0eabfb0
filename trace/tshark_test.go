package trace

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/world/record"
)

// The real thing: every regression schedule's pcapng goes through tshark
// with docs/migsim.lua. No Lua error, no malformed packet, no expert error;
// every packet's Info column is the text export's line; the decoded admin
// status, mode and member agree with the Go decoding. Skips when tshark is
// not installed (.ci/run installs it and fails when it cannot).

// tsharkPath returns the tshark binary. Without it the test skips, unless
// MIGSIM_REQUIRE_TSHARK is set (.ci/run sets it), which makes it fail.
func tsharkPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("MIGSIM_REQUIRE_TSHARK") != "" {
			t.Fatalf("MIGSIM_REQUIRE_TSHARK is set but tshark is not installed: %v", err)
		}
		t.Skip("tshark not installed: the dissector is not run in Wireshark (apt-get install tshark; .ci/run installs it)")
	}
	return p
}

// regressTrace is one regression schedule recorded and written as pcapng.
type regressTrace struct {
	name   string
	sched  *schedfile.Schedule
	res    engine.Result
	events []record.TraceEvent
	// steps are the run's steps (StepLog), for the text export.
	steps []RunStep
	// packets are the pcapng's records: the events and the quiet steps
	// (EventsWithSteps), as migsim trace writes them.
	packets []record.TraceEvent
	pcapng  string
}

var (
	regressOnce   sync.Once
	regressCached []regressTrace
	regressErr    error
)

// regressTraces records every regression schedule once per test binary.
func regressTraces(t *testing.T) []regressTrace {
	t.Helper()
	regressOnce.Do(func() {
		files, err := filepath.Glob(filepath.Join("..", catalog.RegressDir, "*.json"))
		if err == nil && len(files) == 0 {
			err = fmt.Errorf("no regression schedules")
		}
		sort.Strings(files)
		for _, f := range files {
			if err != nil {
				break
			}
			var sc *schedfile.Schedule
			if sc, err = catalog.ReadScheduleFile(f); err != nil {
				break
			}
			var steps StepLog
			res, events, rerr := catalog.RecordSchedule(sc, engine.RunConfig{Trace: &steps})
			if err = rerr; err != nil {
				err = fmt.Errorf("%s: %w", f, err)
				break
			}
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			regressCached = append(regressCached, regressTrace{name: name, sched: sc, res: res, events: events, steps: steps.Steps})
		}
		regressErr = err
	})
	require.NoError(t, regressErr)
	return regressCached
}

// recordRegressTraces writes every regression trace's pcapng under dir.
func recordRegressTraces(t *testing.T, dir string) []regressTrace {
	t.Helper()
	out := append([]regressTrace(nil), regressTraces(t)...)
	for i := range out {
		tr := &out[i]
		tr.pcapng = filepath.Join(dir, tr.name+".pcapng")
		tr.packets = EventsWithSteps(tr.events, tr.steps)
		var b bytes.Buffer
		require.NoError(t, WritePcapng(&b, tr.packets, MetaOf(tr.sched)), tr.name)
		require.NoError(t, os.WriteFile(tr.pcapng, b.Bytes(), 0o644))
	}
	return out
}

// tshark runs tshark with the dissector and returns stdout; stderr must
// hold nothing but the root warning some systems print.
func tshark(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, append([]string{"-X", "lua_script:" + luaPath}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), "tshark %v: %s", args, errb.String())
	for _, l := range strings.Split(strings.TrimSpace(errb.String()), "\n") {
		if l != "" && !strings.Contains(l, "Running as user") {
			t.Errorf("tshark %v: stderr: %s", args, l)
		}
	}
	return out.String()
}

// infoLine is the Info column the dissector writes for a record: the text
// export's line with "[step]" in place of "step t=time".
func infoLine(r *Record) string {
	parts := strings.SplitN(DescribeRecord(r), " ", 3)
	return fmt.Sprintf("[%d] %s", r.Step, parts[2])
}

// packetFields are the fields the test asks tshark for, in column order.
var packetFields = []string{"migsim.step", "migsim.kind", "migsim.admin.status", "migsim.mode",
	"migsim.admin.member", "migsim.admin.opcode_name", "_ws.expert.severity", "_ws.col.Info"}

func TestTsharkDissectsRegressionTraces(t *testing.T) {
	bin := tsharkPath(t)
	traces := recordRegressTraces(t, t.TempDir())
	// One tshark run for every trace (each run costs about 0.3 s of
	// start-up, a hundred of them most of this package's time): the files
	// as WritePcapng wrote them, one after the other, are one pcapng of a
	// section per trace, which tshark reads in order. First the packets'
	// fields, then the expert summary of everything at warning level or
	// above, which tshark prints after the packets only when there is
	// something to list.
	all := filepath.Join(t.TempDir(), "sections.pcapng")
	var sections bytes.Buffer
	for _, tr := range traces {
		b, err := os.ReadFile(tr.pcapng)
		require.NoError(t, err)
		sections.Write(b)
	}
	require.NoError(t, os.WriteFile(all, sections.Bytes(), 0o644))
	args := []string{"-r", all, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"}
	for _, f := range packetFields {
		args = append(args, "-e", f)
	}
	args = append(args, "-z", "expert,warn")
	out := tshark(t, bin, args...)
	packets, summary, _ := strings.Cut(out, "\n\n")
	assert.Empty(t, summary, "expert infos at warning level or above (Errors, Warns)")
	assert.NotContains(t, packets, "Lua Error")
	assert.NotContains(t, packets, "Malformed")
	lines := strings.Split(strings.TrimSuffix(packets, "\n"), "\n")
	total := 0
	for _, tr := range traces {
		total += len(tr.packets)
	}
	require.Len(t, lines, total, "one packet per event and quiet step of every trace")
	for _, tr := range traces {
		mine := lines[:len(tr.packets)]
		lines = lines[len(tr.packets):]
		t.Run(tr.name, func(t *testing.T) { checkPackets(t, tr, mine) })
	}
	t.Logf("dissected %d records of %d regression traces", total, len(traces))
}

// checkPackets checks tshark's field lines of one trace's packets against
// the trace's events.
func checkPackets(t *testing.T, tr regressTrace, lines []string) {
	for i, l := range lines {
		col := strings.Split(l, "\t")
		require.Len(t, col, len(packetFields), "packet %d: %q", i+1, l)
		r := RecordOf(tr.packets[i])
		assert.Equal(t, strconv.Itoa(r.Step), col[0], "packet %d step", i+1)
		assert.Equal(t, strconv.Itoa(int(r.Kind)), col[1], "packet %d kind", i+1)
		assert.Equal(t, infoLine(&r), col[7], "packet %d Info", i+1)
		switch r.Kind {
		case record.TraceAdmin:
			s := SummarizeAdmin(r.Edition, r.Admin, r.AdminResult)
			assert.Equal(t, strconv.Itoa(int(s.Status)), col[2], "packet %d status", i+1)
			assert.Equal(t, strconv.FormatUint(s.Member, 10), col[4], "packet %d member", i+1)
			assert.Equal(t, s.Name, col[5], "packet %d opcode name", i+1)
			if s.HasMode {
				assert.Equal(t, strconv.Itoa(int(s.Mode)), col[3], "packet %d mode", i+1)
			}
		case record.TraceState:
			assert.Equal(t, strconv.Itoa(int(r.State.Mode)), col[3], "packet %d mode", i+1)
		}
		// Comments (the packet comment) are the only expert infos above
		// chat level besides notes of failed commands.
		for _, sev := range strings.Split(col[6], ",") {
			assert.NotContains(t, []string{"8388608", "6291456"}, sev, "packet %d: expert error or warning", i+1)
		}
	}
}

// The acceptance filter: migsim.admin.status != 0 selects exactly the
// failed admin commands. Every regression trace goes through it in one
// tshark run: their records one after the other in one pcapng (the
// dissector decodes each record on its own; the section's description is
// only informative), so a frame number names a trace and its event.
func TestTsharkFailedAdminFilter(t *testing.T) {
	bin := tsharkPath(t)
	traces := regressTraces(t)
	var all []record.TraceEvent
	var want []int
	owner := map[int]string{} // frame number -> trace and event
	withFailure := 0
	for _, tr := range traces {
		failed := false
		for i, e := range tr.events {
			frame := len(all) + 1
			owner[frame] = fmt.Sprintf("%s event %d", tr.name, i+1)
			all = append(all, e)
			if e.Kind == record.TraceAdmin && !SummarizeAdmin(e.Edition, e.Admin, e.AdminResult).Succeeded() {
				want = append(want, frame)
				failed = true
			}
		}
		if failed {
			withFailure++
		}
	}
	assert.Positive(t, withFailure, "no regression schedule has a failed admin command")
	path := filepath.Join(t.TempDir(), "all.pcapng")
	var b bytes.Buffer
	require.NoError(t, WritePcapng(&b, all, Meta{Scenario: "every regression trace"}))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	out := tshark(t, bin, "-r", path, "-Y", "migsim.admin.status != 0", "-T", "fields", "-e", "frame.number")
	var got []int
	for _, f := range strings.Fields(out) {
		n, err := strconv.Atoi(f)
		require.NoError(t, err, "frame number %q", f)
		got = append(got, n)
	}
	for _, n := range got {
		if !slices.Contains(want, n) {
			t.Errorf("the filter selects %s, which is not a failed admin command", owner[n])
		}
	}
	for _, n := range want {
		if !slices.Contains(got, n) {
			t.Errorf("the filter misses %s, a failed admin command", owner[n])
		}
	}
	assert.Len(t, got, len(want), "failed admin commands selected")
}
