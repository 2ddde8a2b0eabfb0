package conformance

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"slices"
	"sync"

	"github.com/migsim/migsim/conformance/extdevice"
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

// FactoryDevice is an in-process device built by f.
func FactoryDevice(name string, f member.Factory) Device { return factoryDevice{name, f} }

type factoryDevice struct {
	name string
	f    member.Factory
}

func (d factoryDevice) Name() string { return d.name }

func (d factoryDevice) Open() (member.Factory, func() error, error) {
	return d.f, func() error { return nil }, nil
}

func (d factoryDevice) Declares() ([]spec.Edition, map[string][]string, error) {
	return slices.Clone(spec.Editions), extdevice.AllKnobs(), nil
}

// ExecDevice is an external device: the command argv, started per row,
// speaking the device protocol (docs/device-protocol.md).
func ExecDevice(argv []string, o extdevice.Options) Device {
	return &execDevice{argv: slices.Clone(argv), opts: o}
}

type execDevice struct {
	argv []string
	opts extdevice.Options
	once sync.Once
	info extdevice.Info
	err  error
}

// withContext returns d with ctx as the context of its processes, unless
// its options already name one: the kit's interruption (Context) then
// also ends a request the device is slow to answer.
func (d *execDevice) withContext(ctx context.Context) *execDevice {
	if d.opts.Context != nil {
		return d
	}
	o := d.opts
	o.Context = ctx
	return &execDevice{argv: d.argv, opts: o}
}

// interrupted reports whether err is an external device's exchange ended
// by the kit's context: the run was interrupted, the device broke nothing.
func interrupted(err error) bool {
	var xe *extdevice.Error
	return errors.As(err, &xe) && xe.Interrupted
}

func (d *execDevice) Name() string { return "exec:" + filepath.ToSlash(d.argv[0]) }

func (d *execDevice) Open() (member.Factory, func() error, error) {
	p, err := extdevice.Start(d.argv, d.opts)
	if err != nil {
		return nil, nil, err
	}
	return p.Factory(), func() error {
		err := p.Err()
		p.Close()
		return err
	}, nil
}

// Declares runs the handshake once and keeps what the device declared.
func (d *execDevice) Declares() ([]spec.Edition, map[string][]string, error) {
	d.once.Do(func() {
		p, err := extdevice.Start(d.argv, d.opts)
		if err != nil {
			d.err = err
			return
		}
		d.info = p.Info()
		p.Close()
	})
	if d.err != nil {
		return nil, nil, d.err
	}
	eds := d.info.Editions
	if len(eds) == 0 {
		eds = spec.Editions
	}
	return slices.Clone(eds), maps.Clone(d.info.Knobs), nil
}
