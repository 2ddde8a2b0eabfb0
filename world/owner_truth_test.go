package world_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// receivedLog records every completion the host received, as the
// received hook hands it over.
type receivedLog struct {
	lines []string
	reads []world.ContextRead
}

func (*receivedLog) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "received-log", Doc: "records", Observes: "every completion"}
}

func (l *receivedLog) CheckReceived(p *observe.ReceivedPass) {
	ed := p.Edition()
	line := fmt.Sprintf("%s %s %s: %s → %s", p.Member.Name(), p.OpName(), p.Status, ed.ModeName(p.Before.Mode), ed.ModeName(p.After.Mode))
	if p.ModeGet {
		line += " get=" + ed.ModeName(p.Mode)
	}
	if r := p.Read; r != nil {
		line += fmt.Sprintf(" read first=%v frozen=%v same=%v", r.First, r.Frozen, bytes.Equal(r.Image, r.EpochImage))
		l.reads = append(l.reads, *r)
	}
	l.lines = append(l.lines, line)
}

// runOnce runs a scenario once (the continue-the-previous-actor schedule)
// with the given oracles and returns the finding.
func runOnce(t *testing.T, src string, ed spec.Edition, oracles ...observe.Oracle) *engine.Finding {
	t.Helper()
	s, err := scenario.ParseScenario("truth.scn", []byte(src))
	require.NoError(t, err)
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		return world.NewWorld(world.WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Oracles: oracles}, st)
	}, 1, continueChooser{}, engine.RunConfig{MaxSteps: 200000})
	require.NoError(t, err)
	return res.Finding
}

// TestOwnerView: the host's view follows the completions it received: a
// refused reserved mode changes nothing, DEV_MODE_GET follows every
// DEV_MODE_SET, a read in Freeze opens the epoch, and the member is read
// once more (an audit read, same bytes) before it leaves Freeze.
func TestOwnerView(t *testing.T) {
	const src = `scenario truth
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
hypervisor
  await ready
  mode src stop
  mode src 7 fails=EINVAL/INVALID_FIELD
  halt-vcpus
  mode src freeze
  read src
  mode src active
  resume-vcpus
`
	log := &receivedLog{}
	require.Nil(t, runOnce(t, src, spec.Draft2023, log))
	assert.Equal(t, []string{
		"src.vf1 DEV_MODE_SET OK: Active → Stop",
		"src.vf1 DEV_MODE_GET OK: Stop → Stop get=Stop",
		"src.vf1 DEV_MODE_SET EINVAL: Stop → Stop",
		"src.vf1 DEV_MODE_GET OK: Stop → Stop get=Stop",
		"src.vf1 DEV_MODE_SET OK: Stop → Freeze",
		"src.vf1 DEV_MODE_GET OK: Freeze → Freeze get=Freeze",
		"src.vf1 DEV_CTX_SIZE_GET OK: Freeze → Freeze",
		"src.vf1 DEV_CTX_READ OK: Freeze → Freeze read first=true frozen=true same=true",
		"src.vf1 DEV_CTX_SIZE_GET OK: Freeze → Freeze",
		"src.vf1 DEV_CTX_READ OK: Freeze → Freeze read first=false frozen=true same=true",
		"src.vf1 DEV_MODE_SET OK: Freeze → Active",
		"src.vf1 DEV_MODE_GET OK: Active → Active get=Active",
	}, log.lines)
	require.Len(t, log.reads, 2)
	assert.Equal(t, log.reads[0].Size, int64(log.reads[0].FirstChunk), "the read returned what DEV_CTX_SIZE_GET said")
	assert.True(t, log.reads[1].SizeMatches())
}

// TestFlowVerdictNames: an operation the edition lacks stops the flow with
// the n/a verdict name the judge checks; fails= turns an expected refusal
// into a step of the flow and an unexpected success into a named error; an
// operation on a host the flow crashed stops it with host-failed; a load
// of no saved record does not move the VM's state (one-running).
func TestFlowVerdictNames(t *testing.T) {
	cases := []struct {
		name, ops string
		ed        spec.Edition
		oracle    string
		msg       string
	}{
		{"a mode the edition lacks", "  mode src freeze\n", spec.Virtio14, "error:n/a:freeze",
			"virtio-1.4 has no freeze (mode src freeze)"},
		{"a verb the edition lacks", "  read src\n", spec.Virtio14, "error:n/a:read", "virtio-1.4 has no read (read src)"},
		{"a refusal the flow expects", "  mode src 7 fails=EINVAL/INVALID_FIELD\n", spec.Draft2023, "", ""},
		{"a refusal that did not come", "  mode src stop fails=EINVAL/INVALID_FIELD\n", spec.Draft2023,
			"error:unexpected-success", "expected it to fail with EINVAL/INVALID_FIELD, it succeeded"},
		{"another error than the expected one", "  mode src 7 fails=EINVAL/INVALID_OPCODE\n", spec.Draft2023,
			"error:EINVAL/INVALID_FIELD", "expected it to fail with EINVAL/INVALID_OPCODE, got EINVAL/INVALID_FIELD"},
		// A command to a host the program crashed would wait for a
		// completion that never comes: the scenario's doing, named, not
		// a live finding blamed on a device.
		{"a command to a host the flow crashed", "  fail dst\n  mode dst stopped\n", spec.Virtio14,
			"error:host-failed", "mode: dst crashed earlier in the flow (fail dst): nothing on a failed host answers"},
		{"a context write to a host the flow crashed", "  mode src stop\n  fail dst\n  mode src freeze\n  read src\n  write dst\n",
			spec.Draft2023, "error:host-failed", "write: dst crashed earlier in the flow (fail dst)"},
		{"a copy to a host the flow crashed", "  fail dst\n  copy-memory dst\n", spec.Virtio14,
			"error:host-failed", "copy-memory: dst crashed earlier in the flow (fail dst)"},
		{"a crash of the host the VM runs on", "  fail src\n", spec.Virtio14,
			"error:flow", "fail: the VM runs on src: crashing its host crashes the guest"},
		{"an await behind the vCPUs it halted", "  halt-vcpus\n  await never\n", spec.Virtio14,
			"error:flow", "await: await never: never signalled, and the VM's vCPUs are halted (halt-vcpus)"},
		// A load with nothing saved sets nothing: the destination does
		// not take the VM's state by it, so no host runs the VM.
		{"a load of no saved record", "  halt-vcpus\n  mode src stopped\n  copy-memory dst\n  copy-pci dst\n  mode dst stopped\n" +
			"  load dst\n  switchover dst\n  mode dst running\n  resume-vcpus\n", spec.Virtio14,
			"one-running", "no host runs the VM's VFs (running) at the end of the migration"},
		{"a crashed host left alone", "  fail dst\n  fail dst\n  halt-vcpus\n  mode src stopped\n  mode src running\n  resume-vcpus\n",
			spec.Virtio14, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := "scenario names\nvfs 1\nguest vcpu0\n  probe\n  signal ready\nhypervisor\n  await ready\n" + c.ops
			f := runOnce(t, src, c.ed, oracle.All()...)
			if c.oracle == "" {
				assert.Nil(t, f)
				return
			}
			require.NotNil(t, f)
			assert.Equal(t, c.oracle, f.Oracle)
			assert.Contains(t, f.Message, c.msg)
		})
	}
}

// TestFlowCrashOfAGuestsHost: fail HOST stops the flow while a guest runs
// on HOST (the VM before its switchover, another VM's guest on the
// source), instead of a guest-visible finding blamed on the devices; a
// source the VM left and no other VM runs on may crash.
func TestFlowCrashOfAGuestsHost(t *testing.T) {
	const head = "scenario crash\nvfs 2\nguest vcpu0 vf=1\n  probe\n  signal ready\n"
	const other = "guest other vf=2\n  probe\n"
	const move = "  halt-vcpus\n  mode src stopped\n  save src\n  copy-memory dst\n  copy-pci dst\n  mode dst stopped\n" +
		"  load dst\n  switchover dst\n  mode dst running\n  resume-vcpus\n"
	cases := []struct {
		name, guests, ops, msg string
	}{
		{"the VM's host before the switchover", "", "  fail src\n", "fail: the VM runs on src"},
		{"the VM's host after the switchover", "", move + "  fail dst\n", "fail: the VM runs on dst"},
		{"another VM's host", "set vm-vfs=1\n" + other, move + "  fail src\n",
			"fail: guest other (line 7) belongs to another VM, which stays on src"},
		{"a source the VM left", "", move + "  fail src\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := head + c.guests + "hypervisor\n  await ready\n" + c.ops
			f := runOnce(t, src, spec.Virtio14, oracle.All()...)
			if c.msg == "" {
				assert.Nil(t, f)
				return
			}
			require.NotNil(t, f)
			assert.Equal(t, "error:flow", f.Oracle)
			assert.Contains(t, f.Message, c.msg)
		})
	}
}

// digestCheck counts the reads the self-report oracle compares with the
// member's digest and passes them on to it.
type digestCheck struct{ compared int }

func (*digestCheck) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "digest-check", Doc: "counts", Observes: "reads"}
}

func (c *digestCheck) CheckReceived(p *observe.ReceivedPass) {
	if r := p.Read; r != nil && !r.First && r.DigestKnown {
		c.compared++
	}
}

// TestReferenceDigestAgreesWithReads: the reference device's context
// digest changes exactly when the bytes of its context reads do, over
// random schedules of scenarios whose context changes between reads
// (draft Stop reads, pre-copy) and scenarios where it must not (Freeze):
// the self-report oracle stays silent, and it did compare.
func TestReferenceDigestAgreesWithReads(t *testing.T) {
	files := []string{"precopy-then-delta", "kick-during-stop", "split-queue-desc-write", "smoke-migrate"}
	for _, ed := range spec.Editions {
		counter := &digestCheck{}
		for _, name := range files {
			file := "../catalog/scenarios/" + name + ".scn"
			for i := 0; i < 20; i++ {
				s, err := scenario.ParseScenario(file, mustRead(t, file))
				require.NoError(t, err)
				seed := engine.ScheduleSeed(1, i)
				res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
					return world.NewWorld(world.WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed),
						Oracles: []observe.Oracle{counter, oracle.SelfReport}}, st)
				}, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{MaxSteps: 200000})
				require.NoError(t, err)
				assert.Nil(t, res.Finding, "%s %s schedule %d", name, ed, i)
			}
		}
		assert.Positive(t, counter.compared, "%s: no read was compared with the digest", ed)
	}
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	return b
}
