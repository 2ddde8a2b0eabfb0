package extdevice_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// The test programs are built once per test binary, by one go build: each
// go command loads the module's packages again before it builds, so two
// commands cost about a quarter of a second more CPU than one (0.82 s
// against 1.06 s with a warm build cache).
var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// testPrograms are the packages binaries builds, each to the directory's
// file named after the package's last element (extblk, hostile).
var testPrograms = []string{"../../examples/extblk", "./testdata/hostile"}

// binaries builds examples/extblk and testdata/hostile and returns their
// paths.
func binaries(t *testing.T) (extblk, hostile string) {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := osMkdirTemp()
		if err != nil {
			buildErr = err
			return
		}
		buildDir = dir
		args := append([]string{"build", "-o", dir + string(filepath.Separator)}, testPrograms...)
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			buildErr = &buildError{pkg: strings.Join(testPrograms, " "), out: string(out), err: err}
		}
	})
	require.NoError(t, buildErr)
	return filepath.Join(buildDir, "extblk"), filepath.Join(buildDir, "hostile")
}

const (
	rid  = pcie.RID(0x0109)
	bar0 = uint64(0xfe000000)
	ring = uint64(0x100000)
	buf  = uint64(0x400000)
)

// session drives a device through a short life: configuration and BAR
// reads, feature negotiation, a queue, a write request served with DMA and
// the disk, a stop, a parts read and an FLR. It returns every effect, the
// status and digest after each event, and the disk's contents.
func session(t testing.TB, f member.Factory) ([]member.Effects, []member.Status, []uint64, []byte) {
	t.Helper()
	mem := virtq.NewGuestMemory()
	disk := blk.NewDisk(64, "session-disk")
	d := f(member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), VF: 1, RID: rid, BAR0: bar0,
		NumQueues: 1, Mem: mem, Backing: disk})
	var fxs []member.Effects
	var sts []member.Status
	var dgs []uint64
	var steps []member.Step
	handle := func(ev member.Event) member.Effects {
		fx := d.Handle(ev)
		fxs, sts, dgs = append(fxs, fx), append(sts, d.Status()), append(dgs, d.ContextDigest())
		steps = append(steps, fx.Steps...)
		return fx
	}
	run := func() {
		for len(steps) > 0 {
			s := steps[0]
			steps = steps[1:]
			handle(member.Event{Kind: member.EvStep, Step: s})
		}
	}
	write := func(off uint64, v uint64, n int) {
		handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: 1, Addr: bar0 + off,
			Data: binary.LittleEndian.AppendUint64(nil, v)[:n]}})
	}
	handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: 1, Completer: rid, Addr: 0, Len: 4}})
	handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: 1, Addr: bar0 + uint64(spec.CfgNumQueues), Len: 2}})
	ok := uint64(spec.StatusAcknowledge | spec.StatusDriver)
	write(uint64(spec.CfgDeviceStatus), ok, 1)
	write(uint64(spec.CfgDriverFeatureSelect), 0, 4)
	write(uint64(spec.CfgDriverFeature), uint64(blk.DefaultFeatures)&0xffffffff, 4)
	write(uint64(spec.CfgDriverFeatureSelect), 1, 4)
	write(uint64(spec.CfgDriverFeature), uint64(blk.DefaultFeatures)>>32, 4)
	ok |= uint64(spec.StatusFeaturesOK)
	write(uint64(spec.CfgDeviceStatus), ok, 1)
	l := virtq.NewLayout(ring, 8)
	dr, err := virtq.NewDriverRing(mem, 1, l)
	require.NoError(t, err)
	write(uint64(spec.CfgQueueSelect), 0, 2)
	write(uint64(spec.CfgQueueSize), 8, 2)
	write(uint64(spec.CfgQueueDescLo), l.Desc, 8)
	write(uint64(spec.CfgQueueDriverLo), l.Avail, 8)
	write(uint64(spec.CfgQueueDeviceLo), l.Used, 8)
	write(uint64(spec.CfgQueueEnable), 1, 2)
	write(uint64(spec.CfgDeviceStatus), ok|uint64(spec.StatusDriverOK), 1)
	hdr := make([]byte, 16)
	binary.LittleEndian.PutUint32(hdr, 1) // VIRTIO_BLK_T_OUT
	binary.LittleEndian.PutUint64(hdr[8:], 3)
	require.NoError(t, mem.WriteMem(1, buf, hdr))
	data := make([]byte, 512)
	for i := range data {
		data[i] = byte(i * 7)
	}
	require.NoError(t, mem.WriteMem(1, buf+16, data))
	_, err = dr.Add([]virtq.Buffer{{Addr: buf, Len: 16}, {Addr: buf + 16, Len: 512}, {Addr: buf + 600, Len: 1, Writable: true}})
	require.NoError(t, err)
	require.NoError(t, dr.Publish())
	write(pcie.BAR0Notify, 0, 2)
	run()
	handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 1, Opcode: uint16(spec.OpDevModeSet), Data: []byte{spec.DevModeFlagStopped}}})
	get := make([]byte, spec.ResourceObjCmdHeaderSize+8)
	get[spec.ResourceObjCmdHeaderSize] = uint8(spec.PartsGetAll)
	handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 2, Opcode: uint16(spec.OpDevPartsGet), Data: get, ResultCap: 4096}})
	disk.Resize(128)
	handle(member.Event{Kind: member.EvBackend})
	handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: 1, Completer: rid,
		Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, 0x80}}})
	handle(member.Event{Kind: member.EvTimer, Timer: member.TimerFLR})
	run()
	sector, err := disk.Read(3, 512)
	require.NoError(t, err)
	return fxs, sts, dgs, sector
}

// TestExternalMatchesInProcess: the reference device served over the
// protocol answers every event as the in-process device does.
func TestExternalMatchesInProcess(t *testing.T) {
	extblk, _ := binaries(t)
	pool, err := extdevice.Start([]string{extblk}, extdevice.Options{Procs: 1})
	require.NoError(t, err)
	defer pool.Close()
	assert.Equal(t, spec.Editions, pool.Info().Editions)
	assert.Equal(t, extdevice.AllKnobs(), pool.Info().Knobs)
	wantFx, wantSt, wantDg, wantDisk := session(t, blk.New)
	gotFx, gotSt, gotDg, gotDisk := session(t, pool.Factory())
	sameEffects(t, wantFx, gotFx)
	assert.Equal(t, wantSt, gotSt)
	assert.Equal(t, wantDg, gotDg)
	assert.Equal(t, wantDisk, gotDisk, "the request reached the kit's disk")
	assert.NoError(t, pool.Err())
}

// sameEffects asserts that two devices gave the same effects, event by
// event (empty and nil slices equal).
func sameEffects(t *testing.T, want, got []member.Effects) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, normal(want[i]), normal(got[i]), "event %d", i)
	}
}

// normal makes empty and nil slices compare equal.
func normal(fx member.Effects) member.Effects {
	if len(fx.ReadData) == 0 {
		fx.ReadData = nil
	}
	if len(fx.Notes) == 0 {
		fx.Notes = nil
	}
	return fx
}

// TestHostileDevices: every way of breaking the protocol ends in an error
// that names what happened, within the deadline, without a panic reaching
// the caller, and with no process left behind.
func TestHostileDevices(t *testing.T) {
	_, hostile := binaries(t)
	tests := []struct {
		mode string
		// atStart: the handshake fails; else the first event does.
		atStart bool
		want    []string
		fault   bool
	}{
		// "closed its input" or "closed its output": which pipe the kit
		// finds closed first depends on when the process exits.
		{"exit", true, []string{"hello", "closed its", "exit status 3", "exiting at once"}, false},
		{"quit", true, []string{"hello", "closed its", "process exit status 0"}, false},
		// A device whose output closed is ending: its exit status is
		// waited for (within the deadline), not killed.
		{"slowdeath", true, []string{"hello", "closed its output", "exit status 5", "dying slowly"}, false},
		{"garbage", true, []string{"hello", "malformed message", "this is not a protocol message"}, false},
		{"silent", true, []string{"hello", "the device did not answer the hello within 500ms: a program slower to start needs a longer deadline " +
			"(migsim's --timeout flag is the hello's deadline too, which is 30s without it; from Go, Options.HelloTimeout), and a program that answered must flush its output after every line it writes"}, false},
		// A reply written without its newline is not a missing reply:
		// neither flushing nor a longer deadline would help.
		{"nonewline", true, []string{"hello (request 1): no complete line within 500ms: the device wrote \"{\\\"id\\\":1,", "and no newline after it: every line ends with \\n"}, false},
		{"halfline", false, []string{"new device", "no complete line within 500ms: the device wrote \"{\\\"id\\\":2,\\\"op\\\":\\\"rea\" and no newline after it"}, false},
		// A child the device left holding its output dies with it: the
		// kit sees the output close at once, not a missing reply.
		{"orphan", false, []string{"new device", "the device closed its output instead of replying; process exit status 3"}, false},
		{"flood", false, []string{"new device", "longer than"}, false},
		{"hang", false, []string{"new device", "no reply within"}, false},
		{"wrongop", true, []string{"hello", `got op "teapot"`}, false},
		{"crlf", true, []string{"hello", "malformed message", `(bytes 571 to 691 of 691): byte 690: a carriage return (CR, 0x0d): a line ends with \n alone`}, false},
		{"twice", false, []string{"sent twice"}, false},
		{"oob-dma", false, []string{"device fault", "mem-write of 4 bytes at 0x1000000000000000: outside guest memory"}, true},
		{"short-read", false, []string{"device fault", "event tlp CfgRd addr=0x0 for device 1 (vf 1) (request 3): a 4-byte read answered with 1 byte of read_data"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			// A short deadline only where the deadline is what the mode
			// tests: elsewhere a loaded machine's slow start would turn the
			// error expected into "no reply within".
			opts := extdevice.Options{Timeout: 30 * time.Second, Procs: 1}
			if slices.ContainsFunc(tc.want, func(w string) bool {
				return strings.HasPrefix(w, "no reply within") || strings.Contains(w, "no complete line")
			}) {
				opts.Timeout = 500 * time.Millisecond
			}
			if tc.atStart && slices.ContainsFunc(tc.want, func(w string) bool {
				return strings.Contains(w, "did not answer the hello") || strings.Contains(w, "no complete line")
			}) {
				opts.Timeout, opts.HelloTimeout = 500*time.Millisecond, 500*time.Millisecond
			}
			start := time.Now()
			pool, err := extdevice.Start([]string{hostile, tc.mode}, opts)
			if tc.atStart {
				require.Error(t, err)
				for _, w := range tc.want {
					assert.Contains(t, err.Error(), w)
				}
				assert.Less(t, time.Since(start), 5*time.Second)
				return
			}
			require.NoError(t, err)
			pids := extdevice.PIDs(pool)
			got := catch(func() {
				f := pool.Factory()
				d := f(member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1,
					Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
				for i := 0; i < 3; i++ {
					d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: 1, Completer: rid, Len: 4}})
				}
			})
			require.NotNil(t, got, "the device's failure surfaces")
			t.Log(got)
			for _, w := range tc.want {
				assert.Contains(t, got.Error(), w)
			}
			assert.NotContains(t, got.Error(), "must flush", "only the hello's missing reply has the hint")
			assert.Equal(t, tc.fault, got.Fault)
			assert.True(t, extdevice.IsDeviceFinding(got))
			if !tc.fault {
				assert.Equal(t, got, pool.Err(), "a protocol error ends the pool")
			}
			require.NoError(t, pool.Close())
			assert.Less(t, time.Since(start), 5*time.Second)
			for _, pid := range pids {
				assert.False(t, alive(pid), "process %d left behind", pid)
			}
			// A child the device started and left running dies with it.
			if m := regexp.MustCompile(`child (\d+) keeps stdout`).FindStringSubmatch(got.Stderr); m != nil {
				pid, _ := strconv.Atoi(m[1])
				assert.Eventually(t, func() bool { return !running(pid) }, 2*time.Second, 10*time.Millisecond, "the device's child %d left behind", pid)
			}
		})
	}
}

// running reports whether process pid exists and is not a zombie (an
// orphan a reaper has not waited for yet is dead all the same).
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return alive(pid)
	}
	_, after, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(after, "Z")
}

// catch runs f and returns the *extdevice.Error it panics with.
func catch(f func()) (e *extdevice.Error) {
	defer func() {
		if p := recover(); p != nil {
			e, _ = p.(*extdevice.Error)
		}
	}()
	f()
	return nil
}

// TestEndOfInput: a device ends at the end of its input with status 0
// (docs/device-protocol.md, "The process"); Close says which device did
// not, and how it ended, with its stderr. A served device's serve function
// returning an error is the same failure.
func TestEndOfInput(t *testing.T) {
	extblk, hostile := binaries(t)
	serveErr := func(r io.Reader, w io.Writer) error {
		if err := extdevice.Serve(r, w, blk.New, extdevice.Info{Name: "served", Editions: spec.Editions}); err != nil {
			return err
		}
		return errors.New("cleanup failed")
	}
	for _, tc := range []struct {
		name  string
		start func() (*extdevice.Pool, error)
		want  []string // nil: Close returns nil
	}{
		{"status 0", func() (*extdevice.Pool, error) { return extdevice.Start([]string{extblk}, extdevice.Options{Procs: 1}) }, nil},
		{"status 4", func() (*extdevice.Pool, error) {
			return extdevice.Start([]string{hostile, "badexit"}, extdevice.Options{Procs: 1})
		}, []string{"end of input", "without status 0", "exit status 4", "exiting with 4"}},
		{"runs on", func() (*extdevice.Pool, error) {
			return extdevice.Start([]string{hostile, "linger"}, extdevice.Options{Procs: 1, Timeout: time.Second})
		}, []string{"end of input", "did not end within 1s of the end of its input (the request deadline)", "killed"}},
		{"slow to end, within the request deadline", func() (*extdevice.Pool, error) {
			return extdevice.Start([]string{hostile, "slowexit"}, extdevice.Options{Procs: 1, Timeout: 4 * time.Second})
		}, nil},
		{"a line on stdout at the end of input", func() (*extdevice.Pool, error) {
			return extdevice.Start([]string{hostile, "goodbye"}, extdevice.Options{Procs: 1})
		}, []string{"end of input", `the device wrote "bye\n" on stdout after its last reply, which no request asked for`, "process exit status 0"}},
		{"served, serve returns an error", func() (*extdevice.Pool, error) {
			return extdevice.StartServed("cleanup", serveErr, extdevice.Options{Procs: 1})
		}, []string{"end of input", "without status 0", "serve returned: cleanup failed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool, err := tc.start()
			require.NoError(t, err)
			pids := extdevice.PIDs(pool)
			d := pool.Factory()(member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1,
				Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
			d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: 1, Completer: rid, Len: 4}})
			require.NoError(t, pool.Err(), "the device answers")
			err = pool.Close()
			for _, pid := range pids {
				assert.False(t, alive(pid), "process %d left behind", pid)
			}
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			var xe *extdevice.Error
			require.ErrorAs(t, err, &xe)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
