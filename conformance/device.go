package conformance

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/factorycheck"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Device is a device under test: in-process (a member.Factory) or an
// external process. The kit opens it once for the device tests and once
// per catalog row, so that runs of different rows share nothing.
type Device interface {
	// Name names the device in reports ("builtin:blk", "exec:./extblk").
	Name() string
	// Open returns a factory of the device's instances and a function
	// that releases them; the function returns the device's protocol
	// error, if it broke the protocol while open.
	Open() (member.Factory, func() error, error)
	// Declares returns the editions and knob values the device declares
	// it implements; a knob it does not list is implemented at its
	// edition default only. A Go factory declares everything.
	Declares() ([]spec.Edition, map[string][]string, error)
}

// FactoryDevice is an in-process device built by f. The kit's
// counterexample files record it as a Go program's device, go:NAME with
// NAME name, even under a name of migsim's own such as builtin:blk: only
// BuiltinDevice's devices are rebuilt from their names. A failure's replay
// line is the call conformance.Replay with this Device (or ReplayCommand's);
// migsim replay, trace and report of such a file take --device
// (builtin:blk for the reference), and exit 2 without it.
//
// The kit judges it as a virtio-blk device (NetFactoryDevice is the
// virtio-net one) and refuses, before any unit runs, a nil f, an f that
// builds a nil device, and an f whose devices name another device type
// (member.Core.Type: a virtio-net core given here). A wrapper that names
// no type is judged as the type it is given as.
func FactoryDevice(name string, f member.Factory) Device { return factoryDevice{name: name, f: f} }

// factoryDevice is an in-process device; builtin marks one BuiltinDevice
// built from its name.
type factoryDevice struct {
	name    string
	f       member.Factory
	builtin bool
	// net marks a NetFactoryDevice's (factorycheck.Check).
	net bool
}

func (d factoryDevice) Name() string { return d.name }

func (d factoryDevice) Open() (member.Factory, func() error, error) {
	if err := d.probe(); err != nil {
		return nil, nil, err
	}
	return d.f, func() error { return nil }, nil
}

func (d factoryDevice) Declares() ([]spec.Edition, map[string][]string, error) {
	if err := d.probe(); err != nil {
		return nil, nil, err
	}
	return slices.Clone(spec.Editions), extdevice.AllKnobs(), nil
}

// probe checks a caller's factory (factorycheck.Check); migsim's own are known
// to build their type.
func (d factoryDevice) probe() error {
	if d.builtin {
		return nil
	}
	return factorycheck.Check(d.f, d.net)
}

// ExecDevice is an external device: the command argv, started per row,
// speaking the device protocol (docs/device-protocol.md).
func ExecDevice(argv []string, o extdevice.Options) Device {
	argv = slices.Clone(argv)
	return &poolDevice{exec: true, argv: argv, opts: sharedTranscript(o),
		start: func(o extdevice.Options) (*extdevice.Pool, error) { return extdevice.Start(argv, o) }}
}

// sharedTranscript returns o with its transcript, if any, shared by the
// pools the kit opens (one per row): their processes are numbered in one
// sequence (extdevice.NewTranscript).
func sharedTranscript(o extdevice.Options) extdevice.Options {
	if o.Transcript != nil {
		o.Transcript = extdevice.NewTranscript(o.Transcript)
	}
	return o
}

// poolDevice is a device the kit reaches through the device protocol, an
// extdevice.Pool per row: a program (ExecDevice) or a Go device served
// in-process (ServedDevice).
type poolDevice struct {
	// exec is set for a program, argv its command; name is a served
	// device's.
	exec bool
	argv []string
	name string
	opts extdevice.Options
	// start starts a pool of the device with the given options.
	start func(extdevice.Options) (*extdevice.Pool, error)
	once  sync.Once
	info  extdevice.Info
	err   error
}

// markTranscript writes, to the device's transcript if it records one, a
// line naming the unit whose exchange follows ("# device-test
// DP-DEV-09/virtio-1.4/stop-writes-back-taken-buffers"), so that a failing
// unit's lines can be found: the units run one after another, and with
// a transcript one process and one run at a time.
func (d *poolDevice) markTranscript(u *Unit) {
	if d.opts.Transcript != nil {
		fmt.Fprintf(d.opts.Transcript, "# %s %s\n", u.Kind, u.Name)
	}
}

// transcriptMarker is a device that can mark its transcript (poolDevice).
type transcriptMarker interface{ markTranscript(u *Unit) }

// markUnit marks dev's transcript, if it has one, with unit u.
func markUnit(dev Device, u *Unit) {
	if m, ok := dev.(transcriptMarker); ok {
		m.markTranscript(u)
	}
}

// withContext returns d with ctx as the context of its processes, unless
// its options already name one: the kit's interruption (Context) then
// also ends a request the device is slow to answer.
func (d *poolDevice) withContext(ctx context.Context) Device {
	if d.opts.Context != nil {
		return d
	}
	o := d.opts
	o.Context = ctx
	return &poolDevice{exec: d.exec, argv: d.argv, name: d.name, opts: o, start: d.start}
}

func (d *poolDevice) Name() string {
	if d.exec {
		return "exec:" + filepath.ToSlash(d.argv[0])
	}
	return "served:" + d.name
}

func (d *poolDevice) Open() (member.Factory, func() error, error) {
	return openPool(d.start(d.opts))
}

// Declares runs the handshake once and keeps what the device declared.
func (d *poolDevice) Declares() ([]spec.Edition, map[string][]string, error) {
	d.once.Do(func() { d.info, d.err = handshake(d.start(d.opts)) })
	return declared(d.info, d.err)
}

// contextDevice is a device the kit's context interrupts: it returns a
// copy of itself whose requests end when ctx does.
type contextDevice interface {
	withContext(ctx context.Context) Device
}

// interrupted reports whether err is an external device's exchange ended
// by the kit's context: the run was interrupted, the device broke nothing.
func interrupted(err error) bool {
	var xe *extdevice.Error
	return errors.As(err, &xe) && xe.Interrupted
}

// openPool returns the factory of a started pool and the function that
// closes it, returning the pool's protocol error.
func openPool(p *extdevice.Pool, err error) (member.Factory, func() error, error) {
	if err != nil {
		return nil, nil, err
	}
	return p.Factory(), func() error {
		err := p.Err()
		if cerr := p.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}

// handshake keeps what a started pool's device declared, and closes it.
func handshake(p *extdevice.Pool, err error) (extdevice.Info, error) {
	if err != nil {
		return extdevice.Info{}, err
	}
	info := p.Info()
	if err := p.Close(); err != nil {
		var xe *extdevice.Error
		if errors.As(err, &xe) && !xe.Interrupted {
			xe.Handshake = true // the process read only its hello: nothing was judged
		}
		return extdevice.Info{}, err
	}
	return info, nil
}

// declared is Declares of a device that declared info in its hello (no
// editions: both).
func declared(info extdevice.Info, err error) ([]spec.Edition, map[string][]string, error) {
	if err != nil {
		return nil, nil, err
	}
	eds := info.Editions
	if len(eds) == 0 {
		eds = spec.Editions
	}
	return slices.Clone(eds), maps.Clone(info.Knobs), nil
}
