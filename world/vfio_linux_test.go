package world

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// runLinux runs scenario text once under virtio-1.4 (continue-the-previous
// actor order) and returns the world and its finding.
func runLinux(t *testing.T, text string, rules spec.Rules) (*World, *engine.Finding) {
	t.Helper()
	return runLinuxWith(t, text, rules, firstChooser{})
}

// runLinuxWith is runLinux with the chooser ch.
func runLinuxWith(t *testing.T, text string, rules spec.Rules, ch engine.Chooser) (*World, *engine.Finding) {
	t.Helper()
	s, err := scenario.ParseScenario("linux.scn", []byte(text))
	require.NoError(t, err)
	var w *World
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: rules, Notes: true}, st)
		return w, err
	}, 1, ch, engine.RunConfig{MaxSteps: 200000})
	require.NoError(t, err)
	return w, res.Finding
}

func notesWith(w *World, sub string) []string {
	var out []string
	for _, n := range w.Notes() {
		if strings.Contains(n, sub) {
			out = append(out, n)
		}
	}
	return out
}

// TestVFIOErrorPathsNotes runs the catalog's vfio-error-paths scenario once
// and checks what PRECOPY_INFO reported: the unread first record as
// initial_bytes, nothing within the same second (rate limited), a whole
// new snapshot after a second.
func TestVFIOErrorPathsNotes(t *testing.T) {
	b, err := os.ReadFile("../catalog/scenarios/vfio-error-paths.scn")
	require.NoError(t, err)
	w, f := runLinux(t, string(b), spec.DefaultRules(spec.Virtio14))
	require.Nil(t, f)
	o, ok := w.FlowOutcome()
	require.True(t, ok)
	require.NoError(t, o.Err)
	pre := notesWith(w, "hv: precopy src vf1:")
	require.Len(t, pre, 3)
	assert.NotContains(t, pre[0], "initial_bytes=0 ", "the first record is unread")
	assert.Contains(t, pre[0], "dirty_bytes=0")
	assert.Contains(t, pre[1], "initial_bytes=0 dirty_bytes=0", "rate limited within the second")
	assert.Contains(t, pre[2], "initial_bytes=0 ")
	assert.NotContains(t, pre[2], "dirty_bytes=0", "a new snapshot after a second")
	assert.Len(t, notesWith(w, "data-size src vf1:"), 1)
}

const flrTrapScenario = `scenario flr-trap
vfs 1
guest vcpu0
  probe
  signal ready
  flr
  probe
  write sector=0 count=2 pattern=0x11
hypervisor
  await ready
  vfio dst RESUMING
  vfio src PRE_COPY
  %s
`

// TestFLRTrapResetDone checks a guest FLR trapped by the host: reset_done
// puts the source's VFIO state to RUNNING and disables its data FD, without
// a DEV_MODE_SET; QEMU's next PRECOPY_INFO on the old FD fails, and a state
// change that opens a new FD is "data_fd out of sync". Both are named
// vf-reset. Without a saving FD the reset costs no admin command. An arc
// the hypervisor is inside when reset_done runs defers it to the arc's end.
func TestFLRTrapResetDone(t *testing.T) {
	tests := []struct {
		name, ops string
		wantVerb  string
		// wantState is the source's VFIO state at the end (no rollback: QEMU
		// keeps the state its last call reached).
		wantState owner.MigState
		deferred  bool
		// prefer, when set, runs the steps whose label starts with it
		// whenever one is enabled (preferActor): "src" lets the source's PF
		// and VF answer at once, so the hypervisor is still inside its next
		// arc, holding the state_mutex, when the vCPU's kernel has waited the
		// FLR out and runs reset_done.
		prefer string
	}{
		{"precopy on the old FD", "sleep ms=300\n  precopy src", "precopy", owner.StateRunning, false, ""},
		{"new FD out of sync", "sleep ms=300\n  vfio src PRE_COPY_P2P", "vfio", owner.StatePreCopyP2P, false, ""},
		{"arc held by the FLR: deferred reset_done", "vfio src PRE_COPY_P2P\n  vfio src STOP_COPY", "vfio", owner.StateStopCopy, true, "src"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ch engine.Chooser = firstChooser{}
			if tt.prefer != "" {
				ch = preferActor{tt.prefer}
			}
			w, f := runLinuxWith(t, strings.Replace(flrTrapScenario, "%s", tt.ops, 1), spec.DefaultRules(spec.Virtio14), ch)
			require.NotNil(t, f)
			assert.Equal(t, "error:vf-reset", f.Oracle, f.Message)
			o, _ := w.FlowOutcome()
			assert.Equal(t, tt.wantVerb, o.Verb)
			assert.ErrorIs(t, o.Err, owner.ErrSessionReset)
			src := w.hosts[0]
			assert.Equal(t, tt.wantState, w.hv.MigDevice(src, 1).State())
			assert.NotEmpty(t, notesWith(w, "reset_done of src.vf1"))
			assert.Equal(t, tt.deferred, len(notesWith(w, "deferred")) > 0, "%v", w.Notes())
		})
	}
}

// preferActor runs a step whose label starts with prefix whenever one is
// enabled, else the first.
type preferActor struct{ prefix string }

func (c preferActor) Choose(d *engine.Decision) (int, error) {
	for i, s := range d.Enabled {
		if strings.HasPrefix(s.Label, c.prefix) {
			return i, nil
		}
	}
	return 0, nil
}
