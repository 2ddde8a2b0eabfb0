package member

//go:generate go tool stringer -type=EventKind,StepKind,TimerID -linecomment -output=kinds_string.go

// EventKind says what an Event carries.
type EventKind uint8

// Event kinds.
const (
	// EvTLP is a configuration or memory TLP addressed to the member: from a
	// guest vCPU (MMIO, config space) or from a peer device (a P2P doorbell).
	EvTLP EventKind = iota + 1 // tlp
	// EvAdmin is an admin request the owner forwards to this member.
	EvAdmin // admin
	// EvTimer is the expiry of a timer the device armed.
	EvTimer // timer
	// EvStep asks the device to run one of the internal steps it asked for.
	EvStep // step
	// EvBackend tells the device its backend changed on the host side (for
	// virtio-blk: the disk was resized). A device-initiated configuration
	// change follows.
	EvBackend // backend
)

// StepKind is one of the device's internal steps, split where a real device
// can be interrupted: fetching a request from the avail ring, executing it
// against the backend, completing it (used ring and interrupt), finishing an
// admin command, an FLR or a reset.
type StepKind uint8

// Internal steps.
const (
	// StepFetch takes the next available request from a queue's avail ring.
	StepFetch StepKind = iota + 1 // fetch
	// StepExecute runs a fetched request against the backend (blk: the disk).
	StepExecute // execute
	// StepComplete writes a used-ring entry and raises the queue interrupt.
	StepComplete // complete
	// StepAdmin executes (or finishes) a held admin request.
	StepAdmin // admin
	// StepFinishFLR completes an FLR once its 100 ms have passed.
	StepFinishFLR // finish-flr
	// StepFinishReset completes a virtio reset (device_status ← 0).
	StepFinishReset // finish-reset
	// StepDeliverHeld delivers interrupts held while quiesced, after resume.
	StepDeliverHeld // deliver-held
)

// TimerID names a timer a device armed.
type TimerID uint8

// Timers.
const (
	// TimerFLR ends an FLR (pcie.FLRDurationNs after it started).
	TimerFLR TimerID = iota + 1 // flr
	// TimerPM ends a PM power-state transition of the member.
	TimerPM // pm
)
