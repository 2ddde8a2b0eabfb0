package owner

import (
	"errors"
	"fmt"
)

// MigState is a VFIO migration uAPI v2 device state (enum
// vfio_device_mig_state in Linux include/uapi/linux/vfio.h); the values
// are the uAPI's.
type MigState uint8

// VFIO device states.
const (
	StateError      MigState = 0
	StateStop       MigState = 1
	StateRunning    MigState = 2
	StateStopCopy   MigState = 3
	StateResuming   MigState = 4
	StateRunningP2P MigState = 5
	StatePreCopy    MigState = 6
	StatePreCopyP2P MigState = 7
	numMigStates             = 8
)

var migStateNames = [numMigStates]string{"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P", "PRE_COPY", "PRE_COPY_P2P"}

// String returns the uAPI name without the VFIO_DEVICE_STATE_ prefix.
func (s MigState) String() string {
	if int(s) < len(migStateNames) {
		return migStateNames[s]
	}
	return fmt.Sprintf("STATE_%d", uint8(s))
}

// ParseMigState parses a state name as String prints it.
func ParseMigState(name string) (MigState, error) {
	for i, n := range migStateNames {
		if n == name {
			return MigState(i), nil
		}
	}
	return 0, fmt.Errorf("owner: unknown VFIO state %q", name)
}

// MigFlags are the VFIO_MIGRATION_* capability flags.
type MigFlags uint8

// Capability flags.
const (
	MigStopCopy MigFlags = 1 << 0
	MigP2P      MigFlags = 1 << 1
	MigPreCopy  MigFlags = 1 << 2
)

// VirtioMigFlags are what Linux's vfio-virtio advertises.
const VirtioMigFlags = MigStopCopy | MigP2P | MigPreCopy

// needs returns the flags a state requires; ERROR requires every bit, so it
// can never be requested.
func (s MigState) needs() MigFlags {
	switch s {
	case StateStop, StateRunning, StateStopCopy, StateResuming:
		return MigStopCopy
	case StateRunningP2P:
		return MigStopCopy | MigP2P
	case StatePreCopy:
		return MigStopCopy | MigPreCopy
	case StatePreCopyP2P:
		return MigStopCopy | MigP2P | MigPreCopy
	}
	return 0xff
}

// ErrInvalidTransition is what the port of vfio_mig_get_next_state returns
// for a target it cannot reach (-EINVAL).
var ErrInvalidTransition = errors.New("owner: invalid transition")

// nextTable is vfio_from_fsm_table: nextTable[cur][target] is the next state
// on the shortest path (Linux drivers/vfio/vfio_main.c; the test checks it
// against testdata/vfio-next-state.md).
var nextTable = func() [numMigStates][numMigStates]MigState {
	const (
		E = StateError
		S = StateStop
		R = StateRunning
		C = StateStopCopy
		M = StateResuming
		P = StateRunningP2P
		Q = StatePreCopy
		X = StatePreCopyP2P
	)
	var t [numMigStates][numMigStates]MigState
	rows := map[MigState][numMigStates]MigState{
		//      target: ERROR STOP RUNNING STOP_COPY RESUMING RUNNING_P2P PRE_COPY PRE_COPY_P2P
		S: {E, S, P, C, M, P, P, P},
		R: {E, P, R, P, P, P, Q, P},
		C: {E, S, S, C, S, S, E, E},
		M: {E, S, S, S, M, S, S, S},
		P: {E, S, R, S, S, P, R, X},
		Q: {E, R, R, X, R, R, Q, X},
		X: {E, P, P, C, P, P, Q, X},
		E: {E, E, E, E, E, E, E, E},
	}
	for cur, row := range rows {
		t[cur] = row
	}
	return t
}()

// NextState is vfio_mig_get_next_state: the next state on the way from cur
// to target for a device with flags. States the device lacks are skipped
// through the table. Linux's skip loop has no exit at ERROR (ERROR needs
// every flag and its row is all ERROR), so the one case that lands there —
// STOP_COPY→PRE_COPY[_P2P] on a PRE_COPY-capable device — would not end;
// this port stops at ERROR and reports ErrInvalidTransition
// (docs/owner.md, "VFIO-v2 state machine").
func NextState(flags MigFlags, cur, target MigState) (MigState, error) {
	if cur >= numMigStates || cur.needs()&flags != cur.needs() {
		return StateError, fmt.Errorf("owner: current state %s not supported by flags %#x: %w", cur, flags, ErrInvalidTransition)
	}
	if target >= numMigStates || target.needs()&flags != target.needs() {
		return StateError, fmt.Errorf("owner: target state %s not supported by flags %#x: %w", target, flags, ErrInvalidTransition)
	}
	next := nextTable[cur][target]
	for next != StateError && next.needs()&flags != next.needs() {
		next = nextTable[next][target]
	}
	if next == StateError {
		return StateError, fmt.Errorf("owner: %s -> %s: %w", cur, target, ErrInvalidTransition)
	}
	return next, nil
}

// Path returns the states visited from cur to target (target last; empty
// when cur == target).
func Path(flags MigFlags, cur, target MigState) ([]MigState, error) {
	var p []MigState
	for s := cur; s != target; {
		n, err := NextState(flags, s, target)
		if err != nil {
			return p, err
		}
		p = append(p, n)
		s = n
		if len(p) > numMigStates {
			return p, fmt.Errorf("owner: %s -> %s: path does not converge: %w", cur, target, ErrInvalidTransition)
		}
	}
	return p, nil
}
