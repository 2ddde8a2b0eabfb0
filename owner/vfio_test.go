package owner

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// referenceTable parses the next-step table of Linux's
// vfio_mig_get_next_state (drivers/vfio/vfio_main.c), copied into
// testdata/vfio-next-state.md.
func referenceTable(t *testing.T) map[[2]MigState]MigState {
	t.Helper()
	b, err := os.ReadFile("testdata/vfio-next-state.md")
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	var cols []MigState
	out := map[[2]MigState]MigState{}
	for _, l := range lines {
		if strings.HasPrefix(l, "| cur \\ target |") {
			for _, c := range strings.Split(strings.Trim(l, "| "), "|")[1:] {
				s, err := ParseMigState(strings.TrimSpace(c))
				require.NoError(t, err)
				cols = append(cols, s)
			}
			continue
		}
		if cols == nil || strings.HasPrefix(l, "|---") {
			continue
		}
		if !strings.HasPrefix(l, "|") {
			break
		}
		cells := strings.Split(strings.Trim(l, "| "), "|")
		cur, err := ParseMigState(strings.TrimSpace(cells[0]))
		require.NoError(t, err)
		for i, c := range cells[1:] {
			s, err := ParseMigState(strings.TrimSpace(c))
			require.NoError(t, err)
			out[[2]MigState{cur, cols[i]}] = s
		}
	}
	require.Len(t, out, numMigStates*numMigStates, "the whole table was parsed")
	return out
}

// TestVFIONextStateTable checks every (cur, target) pair against the
// reference table with every feature, and that every path reaches its
// target without a saving-group state in its interior (unless both ends are
// in the saving group, where the same data FD continues).
func TestVFIONextStateTable(t *testing.T) {
	ref := referenceTable(t)
	saving := map[MigState]bool{StatePreCopy: true, StatePreCopyP2P: true, StateStopCopy: true}
	for cur := MigState(0); cur < numMigStates; cur++ {
		for target := MigState(0); target < numMigStates; target++ {
			want := ref[[2]MigState{cur, target}]
			next, err := NextState(VirtioMigFlags, cur, target)
			if cur == StateError || target == StateError || want == StateError {
				assert.ErrorIs(t, err, ErrInvalidTransition, "%s -> %s", cur, target)
				continue
			}
			require.NoError(t, err, "%s -> %s", cur, target)
			assert.Equal(t, want, next, "%s -> %s", cur, target)
			path, err := Path(VirtioMigFlags, cur, target)
			require.NoError(t, err)
			if cur != target && !(saving[cur] && saving[target]) {
				require.NotEmpty(t, path)
				assert.Equal(t, target, path[len(path)-1])
				for _, s := range path[:len(path)-1] {
					assert.False(t, saving[s], "%s -> %s passes through %s", cur, target, s)
				}
			}
		}
	}
}

// TestVFIOPathExamples checks paths that follow from the table (with every
// feature, and the skip loop without P2P, which turns RUNNING→STOP into one
// arc), and the blocked STOP_COPY→PRE_COPY.
func TestVFIOPathExamples(t *testing.T) {
	tests := []struct {
		flags      MigFlags
		cur, tgt   MigState
		want       []MigState
		wantErrors bool
	}{
		{VirtioMigFlags, StateRunning, StateStopCopy, []MigState{StateRunningP2P, StateStop, StateStopCopy}, false},
		{VirtioMigFlags, StatePreCopy, StateResuming, []MigState{StateRunning, StateRunningP2P, StateStop, StateResuming}, false},
		{VirtioMigFlags, StateResuming, StatePreCopy, []MigState{StateStop, StateRunningP2P, StateRunning, StatePreCopy}, false},
		{VirtioMigFlags, StateStopCopy, StateRunning, []MigState{StateStop, StateRunningP2P, StateRunning}, false},
		{MigStopCopy, StateRunning, StateStop, []MigState{StateStop}, false},
		{VirtioMigFlags, StateStopCopy, StatePreCopy, nil, true},
		{MigStopCopy, StateRunning, StatePreCopy, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.cur.String()+"->"+tt.tgt.String(), func(t *testing.T) {
			p, err := Path(tt.flags, tt.cur, tt.tgt)
			if tt.wantErrors {
				assert.ErrorIs(t, err, ErrInvalidTransition)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p)
		})
	}
}

// TestVFIOMigrationSourceToDestination runs a whole pre-copy migration of
// VF 2 through the FSM: source RUNNING → PRE_COPY (initial record), a
// PRECOPY_INFO re-snapshot, → PRE_COPY_P2P (stop) → STOP_COPY (final record)
// → STOP; destination RUNNING → RESUMING, every record as its own PARTS_SET,
// → RUNNING (resume applies the parts).
func TestVFIOMigrationSourceToDestination(t *testing.T) {
	src := probed(t, spec.Virtio14, 2)
	dst := probed(t, spec.Virtio14, 2)
	sm := NewMigDevice(src.drv, 2, VirtioMigFlags)
	dm := NewMigDevice(dst.drv, 2, VirtioMigFlags)

	require.NoError(t, sm.SetState(StatePreCopy))
	initial, dirty, err := sm.PrecopyInfo()
	require.NoError(t, err)
	assert.NotZero(t, initial)
	assert.Zero(t, dirty)
	var stream []byte
	b, err := sm.Read()
	require.NoError(t, err)
	stream = append(stream, b...)
	src.fakes[2].state = []byte("vf 2 state changed while running")
	initial, dirty, err = sm.PrecopyInfo()
	require.NoError(t, err)
	assert.Zero(t, initial)
	assert.NotZero(t, dirty, "a whole new snapshot was queued")
	b, err = sm.Read()
	require.NoError(t, err)
	stream = append(stream, b...)

	require.NoError(t, sm.SetState(StateStopCopy))
	assert.Equal(t, spec.ModeStop, src.fakes[2].mode)
	b, err = sm.Read()
	require.NoError(t, err)
	stream = append(stream, b...)
	require.NoError(t, sm.SetState(StateStop))
	assert.Empty(t, src.pf.admin.objects, "the GET object is destroyed")

	require.NoError(t, dm.SetState(StateResuming))
	assert.Equal(t, spec.ModeStop, dst.fakes[2].mode)
	// The stream is re-segmented: written in two pieces splitting a header.
	require.NoError(t, dm.Write(stream[:10]))
	require.NoError(t, dm.Write(stream[10:]))
	assert.Equal(t, 3, dm.RecordsApplied(), "initial, pre-copy and final records")
	require.NoError(t, dm.SetState(StateRunning))
	assert.Equal(t, spec.ModeActive, dst.fakes[2].mode)
	assert.Equal(t, src.fakes[2].state, dst.fakes[2].state, "the last full snapshot wins")
	assert.Empty(t, dst.pf.admin.objects)
}

// TestVFIOFailedArc checks the failure rules of Linux's
// virtiovf_pci_set_device_state: an admin error keeps the last state
// reached and undoes the arc; an incomplete record does not fail
// RESUMING→STOP (Linux drops it); losing the owner does not enter ERROR.
func TestVFIOFailedArc(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	m := NewMigDevice(w.drv, 1, VirtioMigFlags)
	require.NoError(t, m.SetState(StateStop))
	w.fakes[1].state = nil // parts size 0 → EINVAL, as Linux
	err := m.SetState(StateStopCopy)
	assert.ErrorIs(t, err, ErrEINVAL)
	assert.Equal(t, StateStop, m.State())
	assert.Empty(t, w.pf.admin.objects, "the arc's object was destroyed")

	require.NoError(t, m.SetState(StateResuming))
	rec := EncodeRecord(TagDeviceData, 0, []byte("x"))
	require.NoError(t, m.Write(rec[:5]))
	require.NoError(t, m.SetState(StateStop), "a teardown arc never fails")
	assert.Equal(t, 0, m.RecordsApplied(), "the incomplete record was dropped")
	assert.Empty(t, w.pf.admin.objects)

	w.drv.FLR()
	err = m.SetState(StateRunning)
	require.Error(t, err)
	assert.Equal(t, StateRunningP2P, m.State(), "ERROR is never entered: the last state reached (STOP→RUNNING_P2P sends nothing)")
	m.Reset()
	assert.Equal(t, StateRunning, m.State())
}
