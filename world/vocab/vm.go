package vocab

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// NetMinQueues is the smallest `queues` of a world of virtio-net VFs: one
// receive and transmit pair.
const NetMinQueues = 2

// VMVFs returns the VFs of the VM a world of scenario s runs under edition
// ed with the given settings (the scenario's `set` lines, then an
// expectation's set: entries): the VFs a hypervisor flow addresses when an
// operation names no vf=, whose guests the hypervisor halts and whose guest
// memory it copies. `set vm-vfs=LIST` names them (e.g. 1-8,12); by default
// they are the VFs the scenario's guests and VF-backed peers use (every VF
// when there are none). A guest on a VF outside the VM belongs to another
// VM that stays on the source and keeps running. A VM of more than
// MaxVMVFs VFs is an error.
func VMVFs(s *scenario.Scenario, ed spec.Edition, settings []scenario.Arg) ([]int, error) {
	var out []int
	list, named := "", false
	for _, a := range settings {
		if a.Key == "vm-vfs" {
			list, named = a.Value, true
		}
	}
	if named {
		vfs, err := ParseVFList(list, s.VFs)
		if err != nil {
			return nil, fmt.Errorf("set vm-vfs=%s: %w", scenario.Echo(list), err)
		}
		out = vfs
	} else {
		for _, p := range s.Actors {
			if (p.Edition != 0 && p.Edition != ed) || (p.Kind != scenario.ActorGuest && p.Kind != scenario.ActorPeer) {
				continue
			}
			vf := p.VF() // 0 for a bad one, which addGuest and addPeer report
			if vf >= 1 && vf <= s.VFs && !slices.Contains(out, vf) {
				out = append(out, vf)
			}
		}
		slices.Sort(out)
		if len(out) == 0 {
			if s.VFs > MaxVMVFs {
				return nil, fmt.Errorf("vfs %d with no guest or VF-backed peer: the VM would hold every VF, at most %d migrate together (set vm-vfs=LIST)",
					s.VFs, MaxVMVFs)
			}
			for vf := 1; vf <= s.VFs; vf++ {
				out = append(out, vf)
			}
		}
	}
	if len(out) > MaxVMVFs {
		return nil, fmt.Errorf("the VM holds %d VFs, at most %d migrate together", len(out), MaxVMVFs)
	}
	return out, nil
}

// CheckVM checks, before anything runs, that no VF has two guests
// (CheckGuestVFs) and that every expectation of s gives a VM the world
// can build (VMVFs): a scenario with thousands of VFs is refused at load
// with the reason instead of running for minutes. The error is a
// *scenario.ParseError at the token it is about (docs/scenarios.md,
// "Checked at load"): the guest's driver, the vm-vfs= or vf-device= that
// asks for what cannot be built, else the expectation's line; it names the
// expectation, with its line when that is another.
func CheckVM(s *scenario.Scenario) error {
	if err := CheckGuestVFs(s); err != nil {
		return err
	}
	for _, e := range s.Expect {
		if e.Verdict == scenario.VerdictNA {
			continue
		}
		settings := append(append([]scenario.Arg{}, s.Settings...), e.Settings...)
		if _, err := VMVFs(s, e.Edition, settings); err != nil {
			return vmError(s, e, settingPos(settings, SettingVMVFs), err.Error())
		}
		if p := checkVFDevice(s, e.Edition, settings); p != nil {
			msg := p.msg
			if p.guest != nil {
				msg = "guest " + p.guest.Name + ": " + msg
			}
			if p.peer != nil {
				msg = "peer " + p.peer.Name + ": " + msg
			}
			return vmError(s, e, p.at, msg)
		}
	}
	return nil
}

// settingPos returns where the last of settings that sets key was
// written (the zero Pos for none, or for one of the command line's).
func settingPos(settings []scenario.Arg, key string) scenario.Pos {
	var at scenario.Pos
	for _, a := range settings {
		if a.Key == key {
			at = a.Pos
		}
	}
	return at
}

// vmError is the load error of expectation e's VM at the token at (the
// expectation's line when at is unknown).
func vmError(s *scenario.Scenario, e scenario.Expectation, at scenario.Pos, msg string) error {
	what := "expect " + e.Edition.String()
	if at.Line == 0 {
		at = scenario.Pos{Line: e.Line, Col: 1}
	}
	if at.Line != e.Line {
		what += fmt.Sprintf(" (line %d)", e.Line)
	}
	return &scenario.ParseError{File: s.File, Line: at.Line, Col: at.Col, Msg: what + ": " + msg}
}

// CheckVMFor checks the VM of one run of s under ed with settings (the
// scenario's `set` lines, then a row's or the command line's overrides),
// as CheckVM checks every expectation's: a target whose overrides
// (explore --set) would make a world the build refuses is refused before
// anything runs, not reported by its run without migration.
func CheckVMFor(s *scenario.Scenario, ed spec.Edition, settings []scenario.Arg) error {
	if _, err := VMVFs(s, ed, settings); err != nil {
		return err
	}
	if p := checkVFDevice(s, ed, settings); p != nil {
		if p.guest != nil {
			return fmt.Errorf("guest %s (line %d): %s", p.guest.Name, p.guest.Line, p.msg)
		}
		if p.peer != nil {
			return fmt.Errorf("peer %s (line %d): %s", p.peer.Name, p.at.Line, p.msg)
		}
		return errors.New(p.msg)
	}
	return nil
}

// vfDeviceProblem is what checkVFDevice refuses: msg, about the token at
// (of guest, when a guest's driver is at fault, or of peer, when one of its
// operations is; msg then leaves the actor to the caller to name).
type vfDeviceProblem struct {
	at    scenario.Pos
	guest *scenario.Program
	peer  *scenario.Program
	msg   string
}

// checkWirePeers refuses a peer that plays the network (WireVerbs: rx,
// link, announce) in a world of virtio-blk VFs under ed: a blk VF has no
// port, so the operation could only fail in the run without migration,
// which would make every row of the scenario a defect instead of an input
// error.
func checkWirePeers(s *scenario.Scenario, ed spec.Edition) *vfDeviceProblem {
	for _, p := range s.Actors {
		if p.Kind != scenario.ActorPeer || (p.Edition != 0 && p.Edition != ed) {
			continue
		}
		for _, op := range p.Ops {
			if WireVerbs.Has(op.Verb, 0) {
				return &vfDeviceProblem{at: scenario.Pos{Line: op.Line, Col: op.Col}, peer: p,
					msg: fmt.Sprintf("%s: the VFs are not virtio-net: the network's operations (%s) need set %s=%s",
						op.Verb, strings.Join(WireVerbs.Names(0), ", "), SettingVFDevice, VFDeviceNet)}
			}
		}
	}
	return nil
}

// checkVFDevice checks at load what building the world would refuse for
// an expectation's settings: a world of net VFs needs a queue pair, and
// every guest's driver must bind the VFs' device type.
func checkVFDevice(s *scenario.Scenario, ed spec.Edition, settings []scenario.Arg) *vfDeviceProblem {
	dev, _ := LastSetting(settings, SettingVFDevice)
	want := uint16(spec.PCIDeviceVirtioBlk)
	if dev == VFDeviceNet {
		want = spec.PCIDeviceVirtioNet
		if s.Queues < NetMinQueues {
			return &vfDeviceProblem{at: settingPos(settings, SettingVFDevice),
				msg: fmt.Sprintf("a virtio-net VF needs at least %d queues (queues 2N+1: N pairs and the control queue), the scenario has %d", NetMinQueues, s.Queues)}
		}
	} else {
		dev = VFDeviceBlk
	}
	var wrong *scenario.Program
	wrongDriver, mixed := "", false
	for _, p := range s.Actors {
		if p.Kind != scenario.ActorGuest || (p.Edition != 0 && p.Edition != ed) {
			continue
		}
		name, ok := scenario.Lookup(p.Args, "driver")
		if !ok {
			name = Vocabulary().DefaultDriver
		}
		d, ok := DriverNamed(name)
		switch {
		case ok && d.DeviceID != want && wrong == nil:
			wrong, wrongDriver = p, name
		case ok && d.DeviceID == want:
			mixed = true
		}
	}
	if wrong == nil {
		if dev == VFDeviceBlk {
			return checkWirePeers(s, ed)
		}
		return nil
	}
	why := fmt.Sprintf("set %s=… names the VFs' device type", SettingVFDevice)
	if mixed {
		// Guests of both device types: one vf-device value cannot satisfy them.
		why += ", one for every VF of every host: a VM cannot hold VFs of two device types"
	}
	// The driver= that names the driver, or the guest's name for the default.
	at := scenario.Pos{Line: wrong.Line, Col: wrong.NameCol}
	for _, a := range wrong.Args {
		if a.Key == "driver" {
			at = a.Pos
		}
	}
	return &vfDeviceProblem{at: at, guest: wrong,
		msg: fmt.Sprintf("driver %s does not bind %s VFs (%s)", wrongDriver, dev, why)}
}
