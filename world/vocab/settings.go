package vocab

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/hv"
)

// World settings: the disk size (and its default), the default flow's
// first await, the owners' parts limits.
const (
	SettingCapacity = "capacity"
	SettingHVAwait  = "hv-await"
	SettingObjLimit = "obj-limit"
	DefaultCapacity = 2048
)

// settingSpecs is the table of world settings (docs/scenarios.md, "World
// settings"): every `set` key a scenario, an expectation or the command
// line may give, with its type and range.
func settingSpecs() []scenario.SettingSpec {
	impls := hv.ImplNames()
	return []scenario.SettingSpec{
		{Key: SettingHVAwait, Arg: scenario.ArgSpec{Kind: scenario.ArgName},
			Doc: "the default flow starts with `await NAME`"},
		{Key: SettingCapacity, Arg: scenario.ArgSpec{Kind: scenario.ArgInt, Min: 1, Max: MaxCapacity},
			Doc: "disk size in 512-byte sectors (default 2048)"},
		{Key: hv.SettingSrcImpl, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: impls},
			Doc: "the implementation the source's VFs run (default current)"},
		{Key: hv.SettingDstCaps, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: impls},
			Doc: "the implementation every destination runs (default: the source's)"},
		{Key: "dst2" + hv.SettingCapsTail, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: impls},
			Doc: "the implementation of dst2 alone (default: dst-caps)"},
		{Key: hv.SettingSrcParam, Prefix: true, Arg: scenario.ArgSpec{Kind: scenario.ArgName}, Check: checkSrcParam,
			Doc: "a parameter of the source's implementation"},
		{Key: SettingVMVFs, Arg: scenario.ArgSpec{Kind: scenario.ArgText}, Check: checkVMVFs,
			Doc: "the VFs of the VM being migrated (1-8,12)"},
		{Key: SettingVFDevice, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: []string{VFDeviceBlk, VFDeviceNet}},
			Doc: "the device type of every host's VFs: blk (default) or net (docs/net.md)"},
		{Key: SettingObjLimit, Arg: scenario.ArgSpec{Kind: scenario.ArgInt, Min: 1, Max: 255},
			Doc: "the VIRTIO_DEV_PARTS_CAP get and set limits of every host's owner (default 32)"},
		{Key: SettingPostedWrites, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: PostedValues},
			Doc: "guest MMIO writes: immediate (delivered in the vCPU's step), in-flight (a TLP delivered by its own step, PCIe-ordered per requester and host), in-flight-unordered (the hypervisor's traffic does not push them)"},
	}
}

// SettingVMVFs names the VFs of the VM (VMVFs).
const SettingVMVFs = "vm-vfs"

// checkVMVFs checks the syntax of `vm-vfs=LIST`; the VF numbers are
// checked against the scenario's vfs by CheckVM.
func checkVMVFs(_, value string, _ []scenario.Arg) error {
	_, err := ParseVFList(value, scenario.MaxVFs)
	return err
}

// LastSetting returns the value of key among settings (the last one wins).
func LastSetting(settings []scenario.Arg, key string) (string, bool) {
	v, ok := "", false
	for _, a := range settings {
		if a.Key == key {
			v, ok = a.Value, true
		}
	}
	return v, ok
}

// checkSrcParam checks `src-param-NAME=VALUE` against the source's
// implementation (src-impl among settings, else the default).
func checkSrcParam(key, value string, settings []scenario.Arg) error {
	implName, ok := LastSetting(settings, hv.SettingSrcImpl)
	if !ok {
		implName = hv.DefaultImpl
	}
	return hv.CheckSrcParam(implName, strings.TrimPrefix(key, hv.SettingSrcParam), value)
}

// CheckWorldSettings checks the world's settings (the scenario's and the
// configuration's) against the table.
func CheckWorldSettings(s *scenario.Scenario, extra []scenario.Arg) error {
	v := vocabulary()
	if err := v.CheckSettings(nil, s.Settings); err != nil {
		return err
	}
	return v.CheckSettings(s.Settings, extra)
}

// SettingPostedWrites selects the bus model for guest MMIO writes.
const SettingPostedWrites = "posted-writes"

// Values of SettingPostedWrites.
const (
	PostedImmediate = "immediate"
	PostedInFlight  = "in-flight"
	PostedUnordered = "in-flight-unordered"
)

// PostedValues lists the values of SettingPostedWrites, default first.
var PostedValues = []string{PostedImmediate, PostedInFlight, PostedUnordered}

// SettingVFDevice is the device type of every host's VFs (`set
// vf-device=net`): blk (default) or net. One SR-IOV PF has one VF Device
// ID, so the setting is per world, not per VF.
const SettingVFDevice = "vf-device"

// VF device types (`set vf-device=`).
const (
	VFDeviceBlk = "blk"
	VFDeviceNet = "net"
)

// MaxVMVFs bounds the VFs one VM migrates together: every flow operation
// without vf= runs once per VF of the VM, so a larger VM makes every
// schedule longer by as much. Hosts may enable up to 65,535 VFs; only the
// VM's are migrated.
const MaxVMVFs = 256

// ParseVFList parses a list of VF numbers and ranges ("1-8,12") against
// the n VFs enabled (at most scenario.MaxVFs count); the result is sorted
// and without duplicates. Every part is checked before any is expanded,
// and the parts mark a table of the VFs up to the highest one named: what
// it allocates is bounded by the VFs, not by the list's length, however
// often the list repeats a range.
func ParseVFList(s string, n int) ([]int, error) {
	n = min(n, scenario.MaxVFs)
	highest := 0
	for part := range strings.SplitSeq(s, ",") {
		_, b, err := parseVFRange(part, n)
		if err != nil {
			return nil, err
		}
		highest = max(highest, b)
	}
	seen := make([]uint64, highest/64+1)
	count := 0
	for part := range strings.SplitSeq(s, ",") {
		a, b, _ := parseVFRange(part, n) // checked above
		for vf := a; vf <= b; vf++ {
			w, bit := vf/64, uint64(1)<<(vf%64)
			if seen[w]&bit == 0 {
				seen[w] |= bit
				count++
			}
		}
	}
	out := make([]int, 0, count)
	for vf := 1; vf <= highest; vf++ {
		if seen[vf/64]&(uint64(1)<<(vf%64)) != 0 {
			out = append(out, vf)
		}
	}
	return out, nil
}

// parseVFRange parses one part of a VF list: a VF number or a range A-B
// inside 1..n of at most MaxVMVFs VFs.
func parseVFRange(part string, n int) (int, int, error) {
	lo, hi, isRange := strings.Cut(part, "-")
	a, err := scenario.ParseNumber(lo, 1, int64(n))
	b := a
	if err == nil && isRange {
		b, err = scenario.ParseNumber(hi, 1, int64(n))
	}
	if err != nil {
		return 0, 0, fmt.Errorf("%s: want VF numbers or ranges A-B inside 1..%d", scenario.Quote(part), n)
	}
	if b < a {
		return 0, 0, fmt.Errorf("%s: a range runs from its lower VF to its higher: write %d-%d", scenario.Quote(part), b, a)
	}
	if b-a+1 > MaxVMVFs {
		return 0, 0, fmt.Errorf("%s: at most %d VFs migrate together", scenario.Quote(part), MaxVMVFs)
	}
	return int(a), int(b), nil
}
