package hv

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// compatImpl is one named implementation of the VFs' device: its identity
// when it is a migration source and its capabilities when it is a
// destination (docs/compat.md "Device descriptions in the simulator").
type compatImpl struct {
	name  string
	model string
	impl  string
	// version is the state version it saves; minVersion the oldest it
	// loads (it loads up to version).
	version, minVersion uint16
	// params are its parameters; Init is the value a source runs with,
	// except num-queues, which is the scenario's `queues`.
	params   []compat.ParamCaps
	features uint64
	// parts is the manifest it declares before anything is read.
	parts []compat.PartEntry
}

// Parameter names of the simulated virtio-blk implementations.
const (
	paramNumQueues = "num-queues"
	// paramSecureErase is the newer feature parameter: implementation
	// 2.x adds it with off value false (the old behaviour).
	paramSecureErase = "secure-erase"
)

func boolPtr(b bool) *compat.Value { v := compat.BoolValue(b); return &v }
func intPtr(i int64) *compat.Value { v := compat.IntValue(i); return &v }
func blkParts() []compat.PartEntry { return partsOf(blkPartTypes...) }
func netParts() []compat.PartEntry { return partsOf(append(blkPartTypes, spec.PartNetCVQCfg)...) }
func partsOf(ts ...spec.PartType) []compat.PartEntry {
	out := make([]compat.PartEntry, len(ts))
	for i, t := range ts {
		out[i] = compat.PartEntry{Type: t}
	}
	return out
}

// blkPartTypes are the parts the reference member saves, in GET order.
var blkPartTypes = []spec.PartType{spec.PartDevFeatures, spec.PartDrvFeatures, spec.PartPCICommonCfg,
	spec.PartDeviceStatus, spec.PartVQCfg, spec.PartVQNotifyCfg}

// netFeatures are VERSION_1, MRG_RXBUF (15) and CTRL_VQ (17).
const netFeatures = uint64(1)<<spec.FeatureVersion1 | 1<<15 | 1<<17

// compatImpls is the table `set src-impl=NAME` and `set dst-caps=NAME`
// choose from, sorted by name.
var compatImpls = append([]compatImpl{
	{
		// current is the implementation every host runs by default: it
		// knows secure-erase and starts new devices with it on.
		name: "current", model: compat.ModelBlk, impl: "migsim-blk/2.1.0", version: 2, minVersion: 1,
		params: []compat.ParamCaps{
			{Name: paramNumQueues, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, 8)}, Init: intPtr(1)},
			{Name: paramSecureErase, Type: compat.ParamBool, Init: boolPtr(true), Off: boolPtr(false)},
		},
		features: uint64(blk.DefaultFeatures), parts: blkParts(),
	},
	{
		// future saves a new state layout and no longer loads version 2.
		name: "future", model: compat.ModelBlk, impl: "migsim-blk/3.0.0", version: 4, minVersion: 3,
		params: []compat.ParamCaps{
			{Name: paramNumQueues, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, 16)}, Init: intPtr(1)},
			{Name: paramSecureErase, Type: compat.ParamBool, Init: boolPtr(true), Off: boolPtr(false)},
		},
		features: uint64(blk.DefaultFeatures), parts: blkParts(),
	},
	{
		// net is a host whose VFs are network devices: another model.
		name: "net", model: compat.ModelNet, impl: "migsim-net/1.5.0", version: 3, minVersion: 1,
		params: []compat.ParamCaps{
			{Name: paramNumQueues, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, 8)}, Init: intPtr(1)},
		},
		features: netFeatures, parts: netParts(),
	},
	{
		// older predates secure-erase and allows at most 4 queues; its
		// state layout is the same version 2.
		name: "older", model: compat.ModelBlk, impl: "migsim-blk/1.4.2", version: 2, minVersion: 1,
		params: []compat.ParamCaps{
			{Name: paramNumQueues, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, 4)}, Init: intPtr(1)},
		},
		features: uint64(blk.DefaultFeatures), parts: blkParts(),
	},
}, netImpls()...)

func init() {
	slices.SortFunc(compatImpls, func(a, b compatImpl) int { return strings.Compare(a.name, b.name) })
}

// defaultImpl is the implementation of a host no setting names.
const defaultImpl = "current"

// lookupImpl returns the named implementation.
func lookupImpl(name string) (compatImpl, error) {
	for _, c := range compatImpls {
		if c.name == name {
			return c, nil
		}
	}
	names := make([]string, len(compatImpls))
	for i, c := range compatImpls {
		names[i] = c.name
	}
	sort.Strings(names)
	return compatImpl{}, fmt.Errorf("unknown implementation %q (want %s)", name, strings.Join(names, ", "))
}

// caps returns the implementation's capabilities as a destination. Parts
// are left empty: it knows every part type spec knows.
func (c compatImpl) caps() compat.DeviceCaps {
	id, _ := compat.ModelDeviceID(c.model)
	return compat.DeviceCaps{Impl: c.impl, Models: []compat.ModelCaps{{
		Model: c.model, DeviceID: id, MinVersion: c.minVersion, MaxVersion: c.version,
		Params: c.params, Features: c.features,
	}}}
}

// param returns the named parameter of the implementation.
func (c compatImpl) param(name string) (compat.ParamCaps, bool) {
	for _, p := range c.params {
		if p.Name == name {
			return p, true
		}
	}
	return compat.ParamCaps{}, false
}

// description is the identity of a source running this implementation
// with the given parameter values (missing ones take Init, num-queues the
// scenario's queues).
func (c compatImpl) description(queues int, values map[string]compat.Value) compat.DeviceDescription {
	d := compat.DeviceDescription{Model: c.model, StateVersion: c.version, Impl: c.impl,
		DeviceFeatures: c.features, Parts: append([]compat.PartEntry(nil), c.parts...)}
	for _, p := range c.params {
		v, ok := values[p.Name]
		switch {
		case ok:
		case p.Name == paramNumQueues:
			v = compat.IntValue(int64(queues))
		case c.model == compat.ModelNet && p.Init != nil && isNetDerived(p.Name):
			v, _ = netParamDefault(p.Name, queues)
		case p.Init != nil:
			v = *p.Init
		case p.Off != nil:
			v = *p.Off
		default:
			continue
		}
		d.Params = append(d.Params, compat.ParamSetting{Name: p.Name, Value: v, Off: p.Off})
	}
	return d
}

// parseParamValue reads a `src-param-NAME=VALUE` setting as a value of
// the parameter's type: bool on/off/true/false, int decimal, str verbatim.
func parseParamValue(p compat.ParamCaps, s string) (compat.Value, error) {
	switch p.Type {
	case compat.ParamBool:
		switch s {
		case "on", "true", "yes", "1":
			return compat.BoolValue(true), nil
		case "off", "false", "no", "0":
			return compat.BoolValue(false), nil
		}
		return compat.Value{}, fmt.Errorf("%s=%s: want on or off", p.Name, s)
	case compat.ParamInt:
		var n int64
		if _, err := fmt.Sscan(s, &n); err != nil || fmt.Sprint(n) != s {
			return compat.Value{}, fmt.Errorf("%s=%s: want an integer", p.Name, s)
		}
		return compat.IntValue(n), nil
	}
	return compat.StrValue(s), nil
}
