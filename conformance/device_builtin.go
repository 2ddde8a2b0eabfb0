package conformance

import (
	"strings"

	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// BuiltinDevice returns the device migsim builds from one of its own
// names: builtin:blk (the reference virtio-blk), builtin:net (the
// reference virtio-net) or builtin:mutant/NAME (the reference of the
// mutant's device type with that bug of package mutants); ok is false for
// any other name. Only such a device and an ExecDevice are recorded in the
// counterexample files the kit writes (RecordedDevice) and named by their
// replay lines (CommandLine): `migsim replay` rebuilds the device from the
// recorded name, so a FactoryDevice, whatever its name, is recorded as a
// Go program's device (go:NAME), which a replay must be given.
func BuiltinDevice(name string) (d Device, ok bool) {
	f, net := member.Factory(blk.New), false
	switch mutant, isMutant := strings.CutPrefix(name, schedfile.DeviceMutantPrefix); {
	case name == schedfile.DeviceBlk:
	case name == schedfile.DeviceNet:
		f, net = membernet.New, true
	case isMutant:
		m, found := mutants.Lookup(mutant)
		if !found {
			return nil, false
		}
		if net = m.Device == mutants.DeviceNet; net {
			f = m.Factory(membernet.New)
		} else {
			f = m.Factory(blk.New)
		}
	default:
		return nil, false
	}
	fd := factoryDevice{name: name, f: f, builtin: true}
	if net {
		return netDevice{fd}, true
	}
	return fd, true
}

// isBuiltin reports whether d is a device BuiltinDevice built.
func isBuiltin(d Device) bool {
	switch d := d.(type) {
	case factoryDevice:
		return d.builtin
	case netDevice:
		return d.builtin
	}
	return false
}
