package conformance_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/internal/golden"
	membernet "github.com/migsim/migsim/member/net"
)

// withGCPercent runs f with the garbage collector's target percentage set
// to pct (-1: off), after a collection, and sets it back.
func withGCPercent(pct int, f func()) {
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(pct))
	f()
}

// collecting is a transcript writer that runs a garbage collection before
// every every-th write: collections all through a session, at points of
// its own course.
type collecting struct {
	w        io.Writer
	n, every int
}

func (c *collecting) Write(b []byte) (int, error) {
	if c.n++; c.n%c.every == 0 {
		runtime.GC()
	}
	return c.w.Write(b)
}

// TestKitTranscriptRepeats: two runs of one kit session with an external
// device — the device tests and a catalog row's explorations, one process
// at a time and one run at a time — write byte-identical transcripts and
// reports, although the garbage collector never runs during the first and
// runs every 1,000 lines of the second. The devices a `new` asks the
// process to drop are those the kit's worlds and device tests released
// when they ended (member.Releaser), not those the collector found
// unreachable: drops driven by the collector (what the kit did before)
// make the second session drop devices the first never does.
func TestKitTranscriptRepeats(t *testing.T) {
	for _, tc := range []struct {
		name     string
		scenario string
		device   func(t *testing.T, o extdevice.Options) conformance.Device
	}{
		{"exec extblk", "smoke-migrate", func(t *testing.T, o extdevice.Options) conformance.Device {
			return conformance.ExecDevice([]string{extblk(t)}, o)
		}},
		{"served extblk", "smoke-migrate", func(_ *testing.T, o extdevice.Options) conformance.Device {
			return conformance.ServedDevice("extblk", serveBlk, o)
		}},
		{"exec extnet", "net-mac-table-before-stop", func(t *testing.T, o extdevice.Options) conformance.Device {
			return conformance.ExecDevice([]string{extnet(t)}, o)
		}},
		{"served extnet", "net-mac-table-before-stop", func(_ *testing.T, o extdevice.Options) conformance.Device {
			return conformance.ServedDevice("extnet", serveNet(membernet.New), o)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir() // one directory: the reports name it
			b := conformance.ShortBudget
			b.Jobs = 1
			// collect, when positive, runs a collection before every
			// collect-th line of the transcript; gcPercent -1 turns the
			// collector off.
			session := func(gcPercent, collect int) (transcript, report string) {
				var tr, rep bytes.Buffer
				var w io.Writer = &tr
				if collect > 0 {
					w = &collecting{w: &tr, every: collect}
				}
				withGCPercent(gcPercent, func() {
					_, err := conformance.Check(tc.device(t, extdevice.Options{Procs: 1, Transcript: w}), conformance.WithBudget(b),
						conformance.Scenarios(tc.scenario), conformance.ReplayDir(dir), conformance.WriteReport("json", &rep))
					require.NoError(t, err)
				})
				return tr.String(), rep.String()
			}
			tr1, rep1 := session(-1, 0)
			tr2, rep2 := session(100, 1000)
			assert.Equal(t, rep1, rep2, "the reports")
			if l, a, b := golden.FirstDifferentLine(tr1, tr2); l > 0 {
				t.Errorf("the transcripts (%d and %d bytes) differ first at line %d:\n%s\n%s", len(tr1), len(tr2), l, a, b)
			}
			assert.Contains(t, tr1, `"op":"event","dev":`, "the session runs devices")
			// Each unit that runs is named before its lines; a row's
			// process starts after its name.
			marks := regexp.MustCompile(`(?m)^# .*$`).FindAllString(tr1, -1)
			for _, m := range marks {
				assert.Regexp(t, `^# (device-test [A-Z0-9-]+/[a-z0-9.-]+/\S+|row `+regexp.QuoteMeta(tc.scenario)+`/\S+)$`, m, "a unit's mark")
			}
			assert.Regexp(t, `(?m)^# device-test ADM-DEV-02/virtio-1\.4/status-and-qualifier\n`, tr1, "a device test's mark")
			assert.Regexp(t, `(?m)^# row `+regexp.QuoteMeta(tc.scenario)+`/virtio-1\.4\nkit> \{"id":1,"op":"hello"`, tr1, "a row's mark, then its process's hello")
			assert.Contains(t, tr1, `"drop":[`, "the session drops devices, with the collector off")
		})
	}
}

// liveDevices reads a transcript of one process at a time (Procs 1; a
// hello starts the next process) and returns the devices the kit created
// (`new`), those it dropped (`drop` lists) and the most any process held
// after a `new`, which both lists change.
func liveDevices(t *testing.T, transcript io.Reader) (created, dropped, peak int) {
	t.Helper()
	newLine := regexp.MustCompile(`^kit> \{"id":\d+,"op":"new","dev":\d+,`)
	dropList := regexp.MustCompile(`"drop":\[([0-9,]*)\]`)
	live := 0
	sc := bufio.NewScanner(transcript)
	sc.Buffer(nil, extdevice.MaxLine+16)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, `kit> {"id":1,"op":"hello"`):
			live = 0
		case newLine.MatchString(line):
			n := 0
			if m := dropList.FindStringSubmatch(line); m != nil {
				n = strings.Count(m[1], ",") + 1
			}
			created, dropped, live = created+1, dropped+n, live+1-n
			peak = max(peak, live)
		}
	}
	require.NoError(t, sc.Err())
	return created, dropped, peak
}

// TestKitExternalDevicesBounded: over a long exploration, with the garbage
// collector off, the process of a row holds no more devices than the
// runs in progress build: a run of smoke-migrate builds at most two (its
// VF on the source and on the destination host), and with two runs at a
// time the process holds at most four, while the row creates hundreds.
// Each world releases its devices when it is closed, and the next `new`
// drops them.
func TestKitExternalDevicesBounded(t *testing.T) {
	const jobs, perRun = 2, 2
	var tr bytes.Buffer
	withGCPercent(-1, func() {
		_, err := conformance.Check(conformance.ServedDevice("extblk", serveBlk, extdevice.Options{Procs: 1, Transcript: &tr}),
			conformance.WithBudget(conformance.Budget{Schedules: 150, ShrinkReplays: 150, Jobs: jobs}), conformance.Parts(false, true),
			conformance.Scenarios("smoke-migrate"), conformance.ReplayDir(t.TempDir()))
		require.NoError(t, err)
	})
	created, dropped, peak := liveDevices(t, &tr)
	t.Logf("created %d devices, dropped %d, at most %d live in one process", created, dropped, peak)
	require.Greater(t, created, 100*jobs*perRun, "a long exploration")
	assert.LessOrEqual(t, peak, jobs*perRun, "the devices one process holds at once")
	assert.LessOrEqual(t, created-dropped, 2*jobs*perRun, "the devices left to the processes' end (two rows)")
}

// TestLiveDevices: liveDevices counts a transcript's devices per process.
func TestLiveDevices(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		lines                  []string
		created, dropped, peak int
	}{
		{"none", []string{`kit> {"id":1,"op":"hello","protocol":1}`}, 0, 0, 0},
		{"no drops", []string{`kit> {"id":2,"op":"new","dev":1,"config":{}}`, `kit> {"id":3,"op":"new","dev":2,"config":{}}`}, 2, 0, 2},
		{"a drop list", []string{
			`kit> {"id":2,"op":"new","dev":1,"config":{}}`, `kit> {"id":3,"op":"new","dev":2,"config":{}}`,
			`kit> {"id":4,"op":"new","dev":3,"config":{},"drop":[1,2]}`}, 3, 2, 2},
		{"a process per row", []string{
			`kit> {"id":1,"op":"hello","protocol":1}`, `kit> {"id":2,"op":"new","dev":1,"config":{}}`,
			`kit> {"id":1,"op":"hello","protocol":1}`, `kit> {"id":2,"op":"new","dev":2,"config":{}}`}, 2, 0, 1},
		{"the device's lines", []string{`dev> {"id":2,"op":"new","dev":1}`, `kit> {"id":3,"op":"event","dev":1}`}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, d, p := liveDevices(t, strings.NewReader(strings.Join(tc.lines, "\n")+"\n"))
			assert.Equal(t, fmt.Sprint(tc.created, tc.dropped, tc.peak), fmt.Sprint(c, d, p), "created, dropped, peak")
		})
	}
}
