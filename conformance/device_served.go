package conformance

import (
	"io"

	"github.com/migsim/migsim/conformance/extdevice"
)

// ServedDevice is a device written in Go, judged through the device
// protocol (docs/device-protocol.md) without a process: serve, typically
//
//	func(r io.Reader, w io.Writer) error { return extdevice.Serve(r, w, blk.New, info) }
//
// runs in a goroutine per process ExecDevice would start, over in-memory
// pipes (extdevice.StartServed). The kit's side is ExecDevice's, byte for
// byte: the handshake and what it declares, deadlines, protocol errors,
// the kit's interruption. It is for testing a Go device's protocol
// handling, and the kit's own tests, quickly; what only a real process
// exercises (exec, OS pipes, process groups, exit statuses, stderr) needs
// ExecDevice. Reports name it "served:" + name; migsim conform cannot run
// it, so a failing row's replay is conformance.Replay with this Device (or
// set ReplayCommand).
func ServedDevice(name string, serve func(r io.Reader, w io.Writer) error, o extdevice.Options) Device {
	return &poolDevice{name: name, opts: sharedTranscript(o),
		start: func(o extdevice.Options) (*extdevice.Pool, error) { return extdevice.StartServed(name, serve, o) }}
}
