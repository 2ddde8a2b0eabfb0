package devimpl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// Impl is one named implementation of the VFs' device: its identity
// when it is a migration source and its capabilities when it is a
// destination (docs/compat.md "Device descriptions in the simulator").
type Impl struct {
	// Name is what `set src-impl=NAME` and `set dst-caps=NAME` call it,
	// Model its device model and ID its implementation's identity (the
	// compatibility header's impl).
	Name  string
	Model string
	ID    string
	// Version is the state version it saves; MinVersion the oldest it
	// loads (it loads up to Version).
	Version, MinVersion uint16
	// Params are its parameters; Init is the value a source runs with,
	// except num-queues, which is the scenario's `queues`.
	Params   []compat.ParamCaps
	Features uint64
	// Parts is the manifest it declares before anything is read.
	Parts []compat.PartEntry
}

// Parameter names of the simulated virtio-blk implementations.
const (
	ParamNumQueues = "num-queues"
	// ParamSecureErase is the newer feature parameter: implementation
	// 2.x adds it with off value false (the old behaviour).
	ParamSecureErase = "secure-erase"
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

// all is the table `set src-impl=NAME` and `set dst-caps=NAME`
// choose from, sorted by name.
var all = append([]Impl{
	{
		// current is the implementation every host runs by default: it
		// knows secure-erase and starts new devices with it on.
		Name: "current", Model: compat.ModelBlk, ID: "migsim-blk/2.1.0", Version: 2, MinVersion: 1,
		Params: []compat.ParamCaps{
			{Name: ParamNumQueues, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, 8)}, Init: intPtr(1)},
			{Name: ParamSecureErase, Type: compat.ParamBool, Init: boolPtr(true), Off: boolPtr(false)},
		},
		Features: uint64(blk.DefaultFeatures), Parts: blkParts(),
	},
	{
		// future saves a new state layout and no longer loads version 2.
		Name: "future", Model: compat.ModelBlk, ID: "migsim-blk/3.0.0", Version: 4, MinVersion: 3,
		Params: []compat.ParamCaps{
			{Name: ParamNumQueues, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, 16)}, Init: intPtr(1)},
			{Name: ParamSecureErase, Type: compat.ParamBool, Init: boolPtr(true), Off: boolPtr(false)},
		},
		Features: uint64(blk.DefaultFeatures), Parts: blkParts(),
	},
	{
		// net is a host whose VFs are network devices: another model.
		Name: "net", Model: compat.ModelNet, ID: "migsim-net/1.5.0", Version: 3, MinVersion: 1,
		Params: []compat.ParamCaps{
			{Name: ParamNumQueues, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, 8)}, Init: intPtr(1)},
		},
		Features: netFeatures, Parts: netParts(),
	},
	{
		// older predates secure-erase and allows at most 4 queues; its
		// state layout is the same version 2.
		Name: "older", Model: compat.ModelBlk, ID: "migsim-blk/1.4.2", Version: 2, MinVersion: 1,
		Params: []compat.ParamCaps{
			{Name: ParamNumQueues, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, 4)}, Init: intPtr(1)},
		},
		Features: uint64(blk.DefaultFeatures), Parts: blkParts(),
	},
}, netImpls()...)

func init() {
	slices.SortFunc(all, func(a, b Impl) int { return strings.Compare(a.Name, b.Name) })
}

// Default is the implementation of a host no setting names.
const Default = "current"

// Lookup returns the named implementation.
func Lookup(name string) (Impl, error) {
	for _, c := range all {
		if c.Name == name {
			return c, nil
		}
	}
	return Impl{}, fmt.Errorf("unknown implementation %q (want %s)", name, strings.Join(Names(), ", "))
}

// Names lists the implementations' names, sorted.
func Names() []string {
	names := make([]string, len(all))
	for i, c := range all {
		names[i] = c.Name
	}
	return names
}

// Caps returns the implementation's capabilities as a destination. Parts
// are left empty: it knows every part type spec knows.
func (c Impl) Caps() compat.DeviceCaps {
	id, _ := compat.ModelDeviceID(c.Model)
	return compat.DeviceCaps{Impl: c.ID, Models: []compat.ModelCaps{{
		Model: c.Model, DeviceID: id, MinVersion: c.MinVersion, MaxVersion: c.Version,
		Params: c.Params, Features: c.Features,
	}}}
}

// Param returns the named parameter of the implementation.
func (c Impl) Param(name string) (compat.ParamCaps, bool) {
	for _, p := range c.Params {
		if p.Name == name {
			return p, true
		}
	}
	return compat.ParamCaps{}, false
}

// Description is the identity of a source running this implementation
// with the given parameter values (missing ones take Init, num-queues the
// scenario's queues).
func (c Impl) Description(queues int, values map[string]compat.Value) compat.DeviceDescription {
	d := compat.DeviceDescription{Model: c.Model, StateVersion: c.Version, Impl: c.ID,
		DeviceFeatures: c.Features, Parts: append([]compat.PartEntry(nil), c.Parts...)}
	for _, p := range c.Params {
		v, ok := values[p.Name]
		switch {
		case ok:
		case p.Name == ParamNumQueues:
			v = compat.IntValue(int64(queues))
		case c.Model == compat.ModelNet && p.Init != nil && isNetDerived(p.Name):
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

// ParseParamValue reads a `src-param-NAME=VALUE` setting as a value of
// the parameter's type: bool on/off/true/false, int decimal, str verbatim.
func ParseParamValue(p compat.ParamCaps, s string) (compat.Value, error) {
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
