package extdevice

import (
	"errors"
	"fmt"
	"strconv"
)

// The kit's own side of the line limit (docs/device-protocol.md, "The
// kit's line limit"): the kit never writes a line longer than MaxLine,
// newline included. The only lines of the kit that grow with the world
// are a virtio-net device's: a backend event's arrivals and a new
// device's held frames. Their frames get FrameRoom; everything else of
// such a line fits in EnvelopeRoom. Package conformance/netlimit checks
// a scenario against FrameRoom before any run; a line over MaxLine
// anyway is not sent, and the error says it is the kit's limit
// (Error.Limit), not the device's failure.

// EnvelopeRoom is the room of a kit's line for everything but its
// frames: the largest new request (every knob at its longest value,
// maxDrops devices to drop, every number at its widest) or event with
// its port state takes less (TestEnvelopeRoom).
const EnvelopeRoom = 16 << 10

// FrameRoom is the most bytes the frames of one kit's line may take
// (FrameBytes each): MaxLine less the newline and EnvelopeRoom.
const FrameRoom = MaxLine - 1 - EnvelopeRoom

// FrameBytes is what one frame of size bytes whose sequence number is at
// most seq takes in a line's arrivals or held frames, its comma included:
// {"seq":N,"data":"…"},
func FrameBytes(seq uint64, size int) int {
	return len(`{"seq":,"data":""},`) + len(strconv.FormatUint(seq, 10)) + 2*size
}

// maxDrops bounds the devices one new request asks a process to drop;
// more wait for the next new request.
const maxDrops = 256

// ErrKitLimit is the kit's line limit: an Error with Limit set is it
// (errors.Is), and so is package netlimit's refusal of a scenario.
var ErrKitLimit = errors.New("the kit's line limit")

// Is reports a kit's limit as ErrKitLimit.
func (e *Error) Is(target error) bool { return e.Limit && target == ErrKitLimit }

// overLimit refuses m, whose line would be n bytes with its newline: the
// kit's limit, not the device's failure. A request is not sent and the
// next one takes its id; the device saw nothing and serves on. An answer
// the device waits for (never over the limit: MaxAccess bounds it) ends
// the process, with the same error, which the pool does not count
// against the device.
func (p *process) overLimit(x *exchange, m *Message, n int) *Error {
	e := &Error{Command: p.name, Request: x.desc(), Limit: true,
		What: fmt.Sprintf("the kit's %s line would be %d bytes, over the protocol's %d: not sent (docs/device-protocol.md, \"The kit's line limit\")", m.Op, n, MaxLine)}
	if m.Op == OpHello || m.Op == OpNew || m.Op == OpEvent {
		p.nextID--
		return e
	}
	return p.end(e)
}
