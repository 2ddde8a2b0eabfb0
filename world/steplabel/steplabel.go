// Package steplabel builds the labels of the steps the world offers, which
// traces and schedule files record and partial-order reduction classifies
// (world/por): a guest's configuration and BAR0 accesses, each built in
// one allocation, and a device's internal steps, kept per device so that
// the few it runs many times a run are built once.
package steplabel

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/internal/slotcache"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/world/addrmap"
)

// Cfg returns the label of a configuration access of actor name: the
// name, verb, the offset in hex, then sep and val in base ("vcpu0:cfg-read
// 0x4/2", "vcpu0:cfg-write 0x4=0x6"). Every run of a target has its guests
// make the same few dozen configuration accesses, so the labels are kept
// for the process (cfgLabels), as BAR0 access labels are.
func Cfg(name, verb string, off uint16, sep string, val uint64, base int) string {
	k := cfgKey{name: name, verb: verb, sep: sep, off: off, val: val, base: uint8(base)}
	slot := cfgSlot(k)
	if l, ok := cfgLabels.Get(slot, k); ok {
		return l
	}
	l := buildCfg(name, verb, off, sep, val, base)
	cfgLabels.Put(slot, k, l)
	return l
}

// cfgKey is what a kept configuration access label is made of.
type cfgKey struct {
	name, verb, sep string
	off             uint16
	val             uint64
	base            uint8
}

// cfgSlots is how many labels cfgLabels keeps (a direct-mapped table).
const cfgSlots = 1024

// cfgLabels holds the kept configuration access labels, shared by every
// job of the process like regLabels: a slot is read and replaced whole,
// and a label found is its key's, built by buildCfg.
var cfgLabels = slotcache.New[cfgKey, string](cfgSlots)

// cfgSlot is the slot of k in cfgLabels: its offset, value, base, the
// lengths of its verb and separator and its name as regSlot takes it.
func cfgSlot(k cfgKey) uint64 {
	name := uint64(len(k.name)) | uint64(len(k.verb))<<24 | uint64(len(k.sep))<<32 | uint64(k.base)<<40
	if n := len(k.name); n > 0 {
		name |= uint64(k.name[0])<<8 | uint64(k.name[n-1])<<16
	}
	return deephash.Mix(deephash.Mix(uint64(k.off), k.val), name) % cfgSlots
}

// buildCfg builds a configuration access label (Cfg) in one allocation.
func buildCfg(name, verb string, off uint16, sep string, val uint64, base int) string {
	var b [64]byte
	l := strconv.AppendUint(append(append(b[:0], name...), verb...), uint64(off), 16)
	return string(strconv.AppendUint(append(l, sep...), val, base))
}

// Reg builds the label of an access of actor name at offset off of a VF's
// BAR0: the name, verb, the register's name (addrmap.AppendRegName) and,
// for a write, "=" and the data in hex ("vcpu0:mmio-write
// queue_desc_lo=00100000").
func Reg(name, verb string, off uint64, data []byte, write bool) string {
	var b [96]byte
	l := append(b[:0], name...)
	l = append(l, verb...)
	l = addrmap.AppendRegName(l, off)
	if write {
		l = append(l, '=')
		l = hex.AppendEncode(l, data)
	}
	return string(l)
}

// The verbs of a guest's BAR0 accesses (RegRead, RegWrite).
const (
	verbRead  = ":mmio-read "
	verbWrite = ":mmio-write "
)

// RegRead is Reg(name, ":mmio-read ", off, nil, false), and RegWrite
// Reg(name, ":mmio-write ", off, data, true): a guest's BAR0 access labels.
// Every run of a target builds the same few dozen of them, so they are
// kept for the process (regLabels), writes of at most 8 bytes only.
func RegRead(name string, off uint64) string {
	return regCached(regKey{name: name, off: off, n: -1}, verbRead, nil, false)
}

// RegWrite: see RegRead.
func RegWrite(name string, off uint64, data []byte) string {
	if len(data) > 8 {
		return Reg(name, verbWrite, off, data, true)
	}
	var v [8]byte
	copy(v[:], data)
	return regCached(regKey{name: name, off: off, data: binary.LittleEndian.Uint64(v[:]), n: int8(len(data))}, verbWrite, data, true)
}

// regKey is what a cached BAR0 access label is made of: the actor, the
// offset and, for a write (n ≥ 0; a read has n = −1), the n bytes of data
// in data's low bytes.
type regKey struct {
	name string
	off  uint64
	data uint64
	n    int8
}

// regSlots is how many labels regLabels keeps: a direct-mapped table,
// each key in the one slot its hash picks, the label last built for that
// slot kept there.
const regSlots = 4096

// regLabels holds the cached labels, shared by every job of the process:
// a slot is read and replaced whole (a label found is its key's, built by
// Reg), without a lock, so that a guest's BAR0 access, run on every run
// and again on every rebuild of a forked copy, pays one hash and one
// comparison for its label.
var regLabels = slotcache.New[regKey, string](regSlots)

func regCached(k regKey, verb string, data []byte, write bool) string {
	slot := regSlot(k)
	if l, ok := regLabels.Get(slot, k); ok {
		return l
	}
	l := Reg(k.name, verb, k.off, data, write)
	regLabels.Put(slot, k, l)
	return l
}

// regSlot is the slot of k in regLabels: its offset, data, length and
// name (the name by its length and its first and last bytes: the names
// of a scenario's vCPUs differ there).
func regSlot(k regKey) uint64 {
	name := uint64(len(k.name))
	if n := len(k.name); n > 0 {
		name |= uint64(k.name[0])<<8 | uint64(k.name[n-1])<<16
	}
	h := deephash.Mix(deephash.Mix(deephash.Mix(k.off, k.data), uint64(uint8(k.n))), name)
	return h % regSlots
}

// maxSteps bounds the labels a Device keeps.
const maxSteps = 32

// maxAdminTag bounds the admin tags whose step labels a Device keeps: an
// owner driver reuses its first few tags, a long run numbers many.
const maxAdminTag = 4

// Device keeps the labels of the steps scheduled on one device so far
// (the queue steps and the admin steps of the first tags): a device runs
// the same few (fetch, execute and complete of each queue) many times a
// run. The zero Device keeps none.
type Device struct {
	labels []stepLabel
}

// stepLabel is the label of one step of a device.
type stepLabel struct {
	step  member.Step
	label string
}

// Step returns the label of step s scheduled on the device named name
// ("NAME:fetch(q0)").
func (d *Device) Step(name string, s member.Step) string {
	for i := range d.labels {
		if d.labels[i].step == s {
			return d.labels[i].label
		}
	}
	l := stepCached(name, s)
	if (s.Kind != member.StepAdmin || s.Tag < maxAdminTag) && len(d.labels) < maxSteps {
		if d.labels == nil {
			d.labels = make([]stepLabel, 0, 8)
		}
		d.labels = append(d.labels, stepLabel{step: s, label: l})
	}
	return l
}

// stepKey is what a device step's label is built from.
type stepKey struct {
	name string
	step member.Step
}

// stepSlots is the size of the process's table of device step labels:
// a target's devices (a PF and a VF or two on each host) label a few
// dozen distinct steps.
const stepSlots = 1024

// stepLabels holds the device step labels built in the process, so that
// each run's devices (a Device lives as long as its world) find the label
// a run before built instead of concatenating it again.
var stepLabels = slotcache.New[stepKey, string](stepSlots)

// stepCached returns "NAME:STEP", from stepLabels when it holds it.
func stepCached(name string, s member.Step) string {
	k := stepKey{name: name, step: s}
	h := uint64(len(name))
	if n := len(name); n > 0 {
		h |= uint64(name[0])<<8 | uint64(name[n-1])<<16
	}
	slot := deephash.Mix(deephash.Mix(uint64(s.Kind)|uint64(s.Queue)<<8, s.Tag), h) % stepSlots
	if l, ok := stepLabels.Get(slot, k); ok {
		return l
	}
	l := name + ":" + s.String()
	stepLabels.Put(slot, k, l)
	return l
}
