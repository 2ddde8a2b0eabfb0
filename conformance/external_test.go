package conformance_test

import (
	"bytes"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// extblkInfo is what examples/extblk declares in its hello.
var extblkInfo = extdevice.Info{Name: "extblk (the reference virtio-blk)", Editions: spec.Editions, Knobs: extdevice.AllKnobs()}

// serveBlk is examples/extblk's main, served in-process.
func serveBlk(r io.Reader, w io.Writer) error { return extdevice.Serve(r, w, blk.New, extblkInfo) }

// execScenarios are the catalog rows the process runs in
// TestExternalMatchesBuiltin, besides the device tests: smoke-migrate,
// and wce-write-during-stop, whose flush request is the one disk-flush of
// the kit (the device tests use every other op and event kind). Both run
// in both editions.
var execScenarios = []string{"smoke-migrate", "wce-write-during-stop"}

// TestExternalMatchesBuiltin: the reference device through the device
// protocol gives the same verdict for every unit as the in-process device,
// with the same explorations and reasons, and the same requirement
// verdicts.
//
// Every unit (the device tests and every catalog row, with ShortBudget)
// runs with the device served in-process (ServedDevice: extdevice.Serve,
// as examples/extblk's main runs it, over in-memory pipes). The kit's side
// is the one a process gets (extdevice's Pool, its exchanges, deadlines
// and protocol checks), and the byte stream is the same: extdevice's
// TestServedMatchesExec compares the transcripts of a session. The real
// process, examples/extblk built here (ExecDevice), runs the device tests
// and execScenarios: the test checks on its transcript that it exchanges
// every kind of message the whole served run did (every op, event, TLP,
// step and timer kind, devices of both editions). What only a process
// exercises — exec, OS pipes and their deadlines, killing (SIGKILL to the
// process group), exit statuses and stderr — is that subset's, and
// TestHostileDeviceThroughTheKit's, TestInterruptedExternalDevice's and
// extdevice's own tests' (TestHostileDevices: every way a process breaks
// the protocol, with its status and stderr and no process left behind;
// TestContextInterruptsAWaitingRequest). The process costs about five
// times the served device's time per run and twenty times the in-process
// device's (BenchmarkThroughput: about 200, 940 and 4,500 runs/s), mostly
// in pipe system calls: the whole kit through it took 80 of this package's
// 99 s of test time.
func TestExternalMatchesBuiltin(t *testing.T) {
	// An external device is hashed by the chain of its inputs, which
	// merges fewer states than the built-in one's hash: both are explored
	// without state pruning, so that the explored counts compare.
	b := conformance.ShortBudget
	b.NoStatePruning = true
	opts := []conformance.Option{conformance.WithBudget(b), conformance.ReplayDir(t.TempDir())}
	// The whole kit with the served device, run once by whichever subtest
	// needs it first: its report is the served subtest's, and what it
	// exchanged with the device, recorded on the device's side (cheaper
	// than a transcript), is what the process subtest requires of the
	// process. Each subtest runs alone (-run).
	served := sync.OnceValue(func() servedRun {
		var all kinds
		serve := func(r io.Reader, w io.Writer) error {
			all.add("op " + extdevice.OpHello)
			return extdevice.Serve(r, w, all.factory(blk.New), extblkInfo)
		}
		rep, err := conformance.Check(conformance.ServedDevice("extblk", serve, extdevice.Options{}), opts...)
		return servedRun{report: rep, err: err, kinds: all.sorted()}
	})
	t.Run("served, every unit", func(t *testing.T) {
		want, err := conformance.Check(conformance.FactoryDevice("builtin:blk", blk.New), opts...)
		require.NoError(t, err)
		s := served()
		require.NoError(t, s.err)
		matchReports(t, want, s.report)
	})
	t.Run("process, the device tests and "+strings.Join(execScenarios, ", "), func(t *testing.T) {
		var tr transcriptKinds
		ext := conformance.ExecDevice([]string{extblk(t)}, extdevice.Options{Transcript: &tr})
		matchBuiltin(t, ext, append(slices.Clip(opts), conformance.Scenarios(execScenarios...)))
		s := served()
		require.NoError(t, s.err, "the served run")
		assert.Empty(t, tr.bad, "the transcript reads back")
		assert.True(t, tr.seen.has("mark"), "the kit marks each unit in the transcript")
		want := s.kinds
		for _, e := range spec.Editions {
			require.Contains(t, want, "edition "+e.String(), "the served run built devices of both editions")
		}
		require.Contains(t, want, "op "+extdevice.OpDiskFlush, "the served run's kinds are recorded")
		var missing []string
		for _, k := range want {
			if !tr.seen.has(k) {
				missing = append(missing, k)
			}
		}
		assert.Empty(t, missing, "exchanged with the served device in the whole kit, but not with the process in the subset (add a row to execScenarios)")
	})
}

// servedRun is the whole kit's run with a served device: its report (or
// why it could not run) and the kinds of messages the device exchanged.
type servedRun struct {
	report *conformance.Report
	err    error
	kinds  []string
}

// matchBuiltin runs the kit with opts on d and on the in-process reference
// device, and requires the same units with the same verdicts, explored
// counts and reasons, and the same requirement verdicts.
func matchBuiltin(t *testing.T, d conformance.Device, opts []conformance.Option) {
	t.Helper()
	matchDevice(t, conformance.FactoryDevice("builtin:blk", blk.New), d, opts)
}

// matchDevice runs the kit with opts on d and on ref, and requires the
// same units with the same verdicts, explored counts and reasons, and the
// same requirement verdicts; it returns d's report.
func matchDevice(t *testing.T, ref, d conformance.Device, opts []conformance.Option) *conformance.Report {
	t.Helper()
	want, err := conformance.Check(ref, opts...)
	require.NoError(t, err)
	got, err := conformance.Check(d, opts...)
	require.NoError(t, err)
	matchReports(t, want, got)
	return got
}

// matchReports requires got to have want's units with the same verdicts,
// explored counts and reasons, and the same requirement verdicts; got's
// run must not have stopped.
func matchReports(t *testing.T, want, got *conformance.Report) {
	t.Helper()
	assert.Empty(t, got.Stopped)
	require.Len(t, got.Units, len(want.Units))
	for i, w := range want.Units {
		g := got.Units[i]
		assert.Equal(t, w.Name, g.Name)
		assert.Equal(t, w.Verdict, g.Verdict, w.Name)
		assert.Equal(t, w.Explored, g.Explored, w.Name)
		assert.Equal(t, w.Reason, g.Reason, w.Name)
	}
	assert.Equal(t, verdicts(want), verdicts(got))
}

func verdicts(r *conformance.Report) []string {
	var out []string
	for _, q := range r.Requirements {
		out = append(out, q.ID+" "+q.Verdict)
	}
	return slices.Clip(out)
}

// kinds is a set of kinds of messages, named as transcriptKinds names
// them: "op disk-flush", "event step", "tlp MWr", "step fetch", "timer
// flr", "edition virtio-1.4".
type kinds struct {
	mu  sync.Mutex
	set map[string]bool
}

func (k *kinds) add(names ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.set == nil {
		k.set = map[string]bool{}
	}
	for _, n := range names {
		k.set[n] = true
	}
}

func (k *kinds) has(name string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.set[name]
}

func (k *kinds) sorted() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := slices.Collect(maps.Keys(k.set))
	slices.Sort(out)
	return out
}

// addEvent records an event's kinds.
func (k *kinds) addEvent(ev member.Event) {
	k.add("op "+extdevice.OpEvent, "op "+extdevice.OpEffects, "event "+ev.Kind.String())
	switch ev.Kind {
	case member.EvTLP:
		k.add("tlp " + ev.TLP.Kind.String())
	case member.EvStep:
		k.add("step " + ev.Step.Kind.String())
	case member.EvTimer:
		k.add("timer " + ev.Timer.String())
	}
}

// factory wraps f, on a served device's side: each device records the
// kinds of the requests it gets and of the nested requests it makes, as
// the messages that carry them on the wire.
func (k *kinds) factory(f member.Factory) member.Factory {
	return func(c member.Config) member.Device {
		k.add("op "+extdevice.OpNew, "op "+extdevice.OpReady, "edition "+c.Edition.String())
		c.Mem = kindsMem{c.Mem, k}
		if s, ok := c.Backing.(blk.Storage); ok {
			c.Backing = kindsDisk{s, k}
		}
		return kindsDevice{f(c), k}
	}
}

type kindsDevice struct {
	member.Device
	k *kinds
}

func (d kindsDevice) Handle(ev member.Event) member.Effects {
	d.k.addEvent(ev)
	return d.Device.Handle(ev)
}

type kindsMem struct {
	pcie.MemoryPort
	k *kinds
}

func (m kindsMem) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	m.k.add("op "+extdevice.OpMemRead, "op "+extdevice.OpMemData)
	return m.MemoryPort.ReadMem(rid, addr, buf)
}

func (m kindsMem) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	m.k.add("op " + extdevice.OpMemWrite)
	return m.MemoryPort.WriteMem(rid, addr, data)
}

type kindsDisk struct {
	blk.Storage
	k *kinds
}

func (d kindsDisk) Read(sector uint64, n int) ([]byte, error) {
	d.k.add("op "+extdevice.OpDiskRead, "op "+extdevice.OpDiskData)
	return d.Storage.Read(sector, n)
}

func (d kindsDisk) Write(sector uint64, data []byte) error {
	d.k.add("op "+extdevice.OpDiskWrite, "op "+extdevice.OpDiskDone)
	return d.Storage.Write(sector, data)
}

func (d kindsDisk) Flush() {
	d.k.add("op "+extdevice.OpDiskFlush, "op "+extdevice.OpDiskDone)
	d.Storage.Flush()
}

// transcriptLines is the part of a transcript (extdevice.Options.Transcript)
// that cuts what goes by into lines and hands each, without its newline,
// to line; the kit writes from the goroutines of its processes.
type transcriptLines struct {
	mu   sync.Mutex
	part []byte
}

func (o *transcriptLines) write(b []byte, line func([]byte)) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.part = append(o.part, b...)
	for {
		i := bytes.IndexByte(o.part, '\n')
		if i < 0 {
			return len(b), nil
		}
		line(o.part[:i])
		o.part = o.part[i+1:]
	}
}

// transcriptKinds is a transcript that keeps the kinds of the messages
// that went by, either way.
type transcriptKinds struct {
	cut  transcriptLines
	seen kinds
	bad  []string
}

func (o *transcriptKinds) Write(b []byte) (int, error) { return o.cut.write(b, o.line) }

// line reads one "kit> {…}" or "dev> {…}" line, or the kit's "# …" mark
// of a unit.
func (o *transcriptKinds) line(l []byte) {
	if bytes.HasPrefix(l, []byte("# ")) {
		o.seen.add("mark")
		return
	}
	_, js, ok := bytes.Cut(l, []byte("> "))
	m, err := extdevice.DecodeMessage(js)
	if !ok || err != nil {
		o.bad = append(o.bad, string(l))
		return
	}
	o.seen.add("op " + m.Op)
	if m.Config != nil {
		o.seen.add("edition " + m.Config.Edition)
	}
	if ev := m.Event; ev != nil {
		o.seen.add("event " + ev.Kind)
		switch {
		case ev.TLP != nil:
			o.seen.add("tlp " + ev.TLP.Kind)
		case ev.Step != nil:
			o.seen.add("step " + ev.Step.Kind)
		case ev.Timer != "":
			o.seen.add("timer " + ev.Timer)
		}
	}
}
