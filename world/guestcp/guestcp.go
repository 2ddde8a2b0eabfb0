// Package guestcp keeps a guest's driver between two operations of the
// guest's program as data, in the guest's record (a checkpoint,
// rerun.Tape.Boundary), and restores a copy of it bound to the vCPU of a
// copy of the world, for the guest's code to be rebuilt from there instead
// of from its program's start (docs/engine.md, "Rebuilding an actor from
// its record"). A driver whose state is data but for its bus (a
// guest.Rebinder: the blk and net drivers) is kept; another is not, and
// its guest is rebuilt from the start.
package guestcp

import (
	"fmt"
	"reflect"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/guest/blk"
	"github.com/migsim/migsim/guest/net"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/kept"
	"github.com/migsim/migsim/world/worldcopy"
)

// state is a checkpoint: the driver and the operation the program goes on
// with. No one writes it once kept: its restores copy it from frozen.
type state struct {
	drv    guest.Driver
	op     int
	frozen *worldcopy.Frozen[state]
}

// copier copies a driver without its bus (the vCPU, which reaches the
// world) and its rings' memory ports (through the vCPU's record to the
// world), which Rebind binds again; it shares what a copy of the world
// shares (kept.Shared).
var copier = worldcopy.New(worldcopy.Config{
	Share: kept.Shared,
	Zero: map[reflect.Type][]string{
		reflect.TypeFor[state]():            {"frozen"},
		reflect.TypeFor[net.Driver]():       {"bus"},
		reflect.TypeFor[blk.Driver]():       {"bus"},
		reflect.TypeFor[virtq.DriverRing](): {"mem"},
	},
})

// Keep returns a checkpoint of drv before operation op of its program, or
// nil when drv is no guest.Rebinder or holds what the copier refuses.
func Keep(drv guest.Driver, op int) any {
	switch drv.(type) {
	case *net.Driver, *blk.Driver:
	default:
		return nil // the copier knows the fields of these two only
	}
	c, err := worldcopy.Copy(copier, &state{drv: drv, op: op})
	if err != nil {
		return nil
	}
	c.frozen = worldcopy.Freeze(copier, c)
	return c
}

// Restore returns a copy of checkpoint cp's driver, bound to bus, and the
// operation of the program it goes on with.
func Restore(cp any, bus guest.Bus) (guest.Driver, int, error) {
	s, ok := cp.(*state)
	if !ok {
		return nil, 0, fmt.Errorf("guestcp: restore: a checkpoint of type %T", cp)
	}
	c, err := s.frozen.Copy()
	if err != nil {
		return nil, 0, fmt.Errorf("guestcp: restore: %w", err)
	}
	c.drv.(guest.Rebinder).Rebind(bus)
	return c.drv, c.op, nil
}
