package net

import (
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/spec"
)

// Compatibility parameters of the virtio-net implementation
// (docs/compat.md, "The model"). None has an off value: each is guest-visible
// capacity a source always lists.
const (
	// ParamNumQueuePairs is max_virtqueue_pairs.
	ParamNumQueuePairs = "num-queue-pairs"
	// ParamMTU is the mtu of the device configuration, which must not
	// change once the guest saw it (NET-DEV-01).
	ParamMTU = "mtu"
	// ParamMACFilterSize is how many addresses the MAC filtering table
	// matches exactly; beyond it the device accepts every address of a
	// kind, so a smaller destination filters less.
	ParamMACFilterSize = "mac-filter-size"
)

// Compat is what the reference virtio-net implementation says about itself
// for migration compatibility: as a source (Description) and as a
// destination (Caps).
type Compat struct {
	Impl string
	// StateVersion is the layout of the state it saves; MinStateVersion
	// the oldest it loads.
	StateVersion, MinStateVersion uint16
	// MaxPairs is the most queue pairs it can be built with; MaxMTU the
	// largest mtu it can be provisioned with.
	MaxPairs uint16
	MaxMTU   uint16
	Features spec.Features
}

// DefaultCompat describes this package's device: implementation
// migsim-net/1.0.0, state version 1, up to 8 queue pairs, mtu up to 9000,
// DefaultFeatures.
func DefaultCompat() Compat {
	return Compat{Impl: "migsim-net/1.0.0", StateVersion: 1, MinStateVersion: 1, MaxPairs: 8, MaxMTU: 9000,
		Features: DefaultFeatures}
}

// PartTypes are the device parts the member's state holds: the common ones
// and VIRTIO_NET_DEV_PART_CVQ_CFG_PART.
func PartTypes() []spec.PartType {
	return []spec.PartType{spec.PartDevFeatures, spec.PartDrvFeatures, spec.PartPCICommonCfg,
		spec.PartDeviceStatus, spec.PartVQCfg, spec.PartVQNotifyCfg, spec.PartNetCVQCfg}
}

// Description describes a source member with pairs queue pairs on a link
// of mtu: the model, version, parameters, the features offered and the
// parts manifest — every part type the state holds, DEV_FEATURES OPTIONAL
// as its part is; 0x200 is listed as mandatory (only its ANNOUNCE_ACK part
// is OPTIONAL). driver, when non-nil, are the driver's features.
func (c Compat) Description(pairs, mtu uint16, driver *uint64) compat.DeviceDescription {
	var parts []compat.PartEntry
	for _, t := range PartTypes() {
		e := compat.PartEntry{Type: t}
		if t == spec.PartDevFeatures {
			e.Flags = spec.PartFlagOptional
		}
		parts = append(parts, e)
	}
	return compat.DeviceDescription{
		Model: compat.ModelNet, StateVersion: c.StateVersion, Impl: c.Impl,
		Params: []compat.ParamSetting{
			{Name: ParamMACFilterSize, Value: compat.IntValue(MACFilterSize)},
			{Name: ParamMTU, Value: compat.IntValue(int64(mtu))},
			{Name: ParamNumQueuePairs, Value: compat.IntValue(int64(pairs))},
		},
		DeviceFeatures: uint64(c.Features), DriverFeatures: driver, Parts: parts,
	}
}

// Caps describes what the implementation accepts as a destination:
// num-queue-pairs 1..MaxPairs, mtu 68..MaxMTU (NET-DEV-01's range), a MAC
// filter no larger than its own, its features, state versions
// MinStateVersion..StateVersion, the part types spec knows.
func (c Compat) Caps() compat.DeviceCaps {
	one := compat.IntValue(1)
	mtu := compat.IntValue(DefaultMTU)
	size := compat.IntValue(MACFilterSize)
	return compat.DeviceCaps{Impl: c.Impl, Models: []compat.ModelCaps{{
		Model: compat.ModelNet, DeviceID: spec.VirtioDeviceIDNet,
		MinVersion: c.MinStateVersion, MaxVersion: c.StateVersion,
		Params: []compat.ParamCaps{
			{Name: ParamMACFilterSize, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(0, MACFilterSize)}, Init: &size},
			{Name: ParamMTU, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(68, int64(c.MaxMTU))}, Init: &mtu},
			{Name: ParamNumQueuePairs, Type: compat.ParamInt, Allowed: []compat.Allowed{compat.AllowRange(1, int64(c.MaxPairs))}, Init: &one},
		},
		Features: uint64(c.Features),
	}}}
}
