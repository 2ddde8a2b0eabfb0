package guest

import "github.com/migsim/migsim/spec"

// TroubleKind says what a line of a guest driver's log that tells of
// trouble records: a command the driver gave up on, a request the device
// failed, or a wait that ended with requests outstanding.
type TroubleKind uint8

// Kinds of trouble a guest driver records (Trouble).
const (
	// GaveUp is a command the driver gave up on (its "FAIL " line): the
	// device refused or broke what the command needs (FEATURES_OK
	// refused, a reset that never ends, data that differs from what the
	// guest wrote), or the driver could not send it (no queue, no
	// memory, a feature not negotiated).
	GaveUp TroubleKind = iota + 1
	// FailedStatus is a request the device completed with a failed status
	// (virtio-blk: a status byte other than VIRTIO_BLK_S_OK, a failed
	// flush among them; virtio-net: a control command acked with
	// VIRTIO_NET_ERR), which the driver gives up on (its "FAIL " line).
	FailedStatus
	// Outstanding is a wait that ended with requests outstanding and no
	// interrupt left to come: the guest hung on the device ("wait: …").
	Outstanding
)

// String names the kind as a finding words it.
func (k TroubleKind) String() string {
	switch k {
	case GaveUp:
		return "gave up"
	case FailedStatus:
		return "failed status"
	case Outstanding:
		return "wait outstanding"
	}
	return "trouble"
}

// Trouble is a line of a guest driver's log that tells of trouble, as
// data beside its text: the log keeps the text (what the transparent
// oracle compares), the driver records this too (Driver.Trouble), so that
// a judge needs no table of the drivers' wording.
type Trouble struct {
	Kind TroubleKind
	// Line is the log line exactly as Log has it (the world prefixes the
	// actor's name and ": " to both, World.GuestTrouble).
	Line string
	// Command is what the driver was doing: "flush sector=0",
	// "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1", "wait".
	Command string
	// Needs are the device features the command needs negotiated: a
	// driver that tries a command without them fails it whatever the
	// device does (virtio-blk's flush VIRTIO_BLK_F_FLUSH, a virtio-net
	// control command VIRTIO_NET_F_CTRL_VQ and its class's feature).
	Needs spec.Features
	// Negotiated are the features the driver had negotiated when it
	// recorded the line (none before its first probe).
	Negotiated spec.Features
	// Unprepared is a command the driver gave up on because it had not
	// set up what the command needs (a queue or queue pair no probe set
	// up, a feature-gated command before any probe negotiated anything):
	// the guest's program asked too early, whatever the device does.
	Unprepared bool
}

// NotNegotiated reports whether the command needs a feature the driver
// had not negotiated: the device may refuse it (or never see it), so the
// trouble says nothing of the device.
func (t Trouble) NotNegotiated() bool { return t.Needs&^t.Negotiated != 0 }

// Excused reports whether the trouble is neither the device's doing nor
// the guest program's: a command that needs a feature the driver's probe
// chose not to negotiate (NotNegotiated), which the driver fails whatever
// the device does. A command the driver could not send because no probe
// set the device up (Unprepared) is not excused even when it needs a
// feature: before a probe nothing is negotiated, so "not negotiated" says
// only that the program never probed.
func (t Trouble) Excused() bool { return t.NotNegotiated() && !t.Unprepared }

// TroubleRecorder is the part of a Driver that records its troubles
// (Trouble) in log order; drivers embed it.
type TroubleRecorder struct {
	trouble []Trouble
}

// Record appends a trouble: its line must be the line the driver appends
// to its log at the same moment, so that the troubles stay in the log's
// order.
func (r *TroubleRecorder) Record(t Trouble) { r.trouble = append(r.trouble, t) }

// Trouble returns the troubles recorded, in log order.
func (r *TroubleRecorder) Trouble() []Trouble { return r.trouble }

// MarkLastUnprepared marks the trouble recorded last as Unprepared.
func (r *TroubleRecorder) MarkLastUnprepared() {
	if n := len(r.trouble); n > 0 {
		r.trouble[n-1].Unprepared = true
	}
}

// Swap replaces the recorded troubles with ts and returns those it
// replaced: a driver that holds an interrupt's log lines back to flush
// them later in a fixed order (guest/blk's HandleIRQ) holds their
// troubles back with them.
func (r *TroubleRecorder) Swap(ts []Trouble) []Trouble {
	old := r.trouble
	r.trouble = ts
	return old
}
