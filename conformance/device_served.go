package conformance

import (
	"context"
	"io"
	"sync"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
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
	return &servedDevice{name: name, serve: serve, opts: o}
}

type servedDevice struct {
	name  string
	serve func(r io.Reader, w io.Writer) error
	opts  extdevice.Options
	once  sync.Once
	info  extdevice.Info
	err   error
}

// withContext is execDevice's: the kit's context ends a waiting request.
func (d *servedDevice) withContext(ctx context.Context) Device {
	if d.opts.Context != nil {
		return d
	}
	o := d.opts
	o.Context = ctx
	return &servedDevice{name: d.name, serve: d.serve, opts: o}
}

func (d *servedDevice) Name() string { return "served:" + d.name }

func (d *servedDevice) Open() (member.Factory, func() error, error) {
	return openPool(extdevice.StartServed(d.name, d.serve, d.opts))
}

// Declares runs the handshake once and keeps what the device declared.
func (d *servedDevice) Declares() ([]spec.Edition, map[string][]string, error) {
	d.once.Do(func() { d.info, d.err = handshake(extdevice.StartServed(d.name, d.serve, d.opts)) })
	return declared(d.info, d.err)
}
