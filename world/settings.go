package world

import (
	"strconv"
	"strings"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/hv"
)

// settingCapacity is the disk size setting; defaultCapacity its default.
const (
	settingCapacity = "capacity"
	settingHVAwait  = "hv-await"
	settingObjLimit = "obj-limit"
	defaultCapacity = 2048
)

// settingSpecs is the table of world settings (docs/scenarios.md, "World
// settings"): every `set` key a scenario, an expectation or the command
// line may give, with its type and range.
func settingSpecs() []scenario.SettingSpec {
	impls := implNames()
	return []scenario.SettingSpec{
		{Key: settingHVAwait, Arg: scenario.ArgSpec{Kind: scenario.ArgName},
			Doc: "the default flow starts with `await NAME`"},
		{Key: settingCapacity, Arg: scenario.ArgSpec{Kind: scenario.ArgInt, Min: 1, Max: MaxCapacity},
			Doc: "disk size in 512-byte sectors (default 2048)"},
		{Key: settingSrcImpl, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: impls},
			Doc: "the implementation the source's VFs run (default current)"},
		{Key: settingDstCaps, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: impls},
			Doc: "the implementation every destination runs (default: the source's)"},
		{Key: "dst2" + settingCapsTail, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: impls},
			Doc: "the implementation of dst2 alone (default: dst-caps)"},
		{Key: settingSrcParam, Prefix: true, Arg: scenario.ArgSpec{Kind: scenario.ArgName}, Check: checkSrcParam,
			Doc: "a parameter of the source's implementation"},
		{Key: settingVMVFs, Arg: scenario.ArgSpec{Kind: scenario.ArgText}, Check: checkVMVFs,
			Doc: "the VFs of the VM being migrated (1-8,12)"},
		{Key: settingVFDevice, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: []string{vfDeviceBlk, vfDeviceNet}},
			Doc: "the device type of every host's VFs: blk (default) or net (docs/net.md)"},
		{Key: settingObjLimit, Arg: scenario.ArgSpec{Kind: scenario.ArgInt, Min: 1, Max: 255},
			Doc: "the VIRTIO_DEV_PARTS_CAP get and set limits of every host's owner (default 32)"},
		{Key: settingPostedWrites, Arg: scenario.ArgSpec{Kind: scenario.ArgWord, Values: postedValues},
			Doc: "guest MMIO writes: immediate (delivered in the vCPU's step), in-flight (a TLP delivered by its own step, PCIe-ordered per requester and host), in-flight-unordered (the hypervisor's traffic does not push them)"},
	}
}

func implNames() []string { return hv.ImplNames() }

// settingVMVFs names the VFs of the VM (VMVFs).
const settingVMVFs = "vm-vfs"

// checkVMVFs checks the syntax of `vm-vfs=LIST`; the VF numbers are
// checked against the scenario's vfs by CheckVM.
func checkVMVFs(_, value string, _ []scenario.Arg) error {
	_, err := parseVFList(value, scenario.MaxVFs)
	return err
}

// lastSetting returns the value of key among settings (the last one wins).
func lastSetting(settings []scenario.Arg, key string) (string, bool) {
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
	implName, ok := lastSetting(settings, settingSrcImpl)
	if !ok {
		implName = defaultImpl
	}
	return hv.CheckSrcParam(implName, strings.TrimPrefix(key, settingSrcParam), value)
}

// settingInt returns an integer setting, or def when it is not set. The
// settings were checked when the world was built (checkWorldSettings), so
// a value that does not parse cannot reach here.
func (w *World) settingInt(key string, def int) int {
	v, ok := w.setting(key)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 0, 64)
	if err != nil {
		return def
	}
	return int(n)
}

// checkWorldSettings checks the world's settings (the scenario's and the
// configuration's) against the table.
func checkWorldSettings(s *scenario.Scenario, extra []scenario.Arg) error {
	v := vocabulary()
	if err := v.CheckSettings(nil, s.Settings); err != nil {
		return err
	}
	return v.CheckSettings(s.Settings, extra)
}
