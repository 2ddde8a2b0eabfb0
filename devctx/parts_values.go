package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// VQCfg is the value of a VQ_CFG part (32 bytes): le16 queue_size;
// le16 vector; le16 enabled; le16 reserved; le64 queue_desc;
// le64 queue_driver; le64 queue_device.
type VQCfg struct {
	QueueSize uint16
	Vector    uint16
	Enabled   uint16
	Desc      uint64
	Driver    uint64
	Device    uint64
}

// Encode returns the 32-byte value.
func (v VQCfg) Encode() []byte {
	b := make([]byte, spec.VQCfgSize)
	binary.LittleEndian.PutUint16(b[0:], v.QueueSize)
	binary.LittleEndian.PutUint16(b[2:], v.Vector)
	binary.LittleEndian.PutUint16(b[4:], v.Enabled)
	binary.LittleEndian.PutUint64(b[8:], v.Desc)
	binary.LittleEndian.PutUint64(b[16:], v.Driver)
	binary.LittleEndian.PutUint64(b[24:], v.Device)
	return b
}

// Part returns the VQ_CFG part for virtqueue vq.
func (v VQCfg) Part(vq uint16) Part { return NewVQPart(spec.PartVQCfg, vq, v.Encode()) }

// DecodeVQCfg reads a VQ_CFG value, which must be exactly 32 bytes. The
// reserved field is ignored.
func DecodeVQCfg(b []byte) (VQCfg, error) {
	if len(b) != spec.VQCfgSize {
		return VQCfg{}, valueError("VQ_CFG value", 0, fmt.Errorf("%w %d, want %d", ErrLength, len(b), spec.VQCfgSize))
	}
	return VQCfg{
		QueueSize: binary.LittleEndian.Uint16(b[0:]),
		Vector:    binary.LittleEndian.Uint16(b[2:]),
		Enabled:   binary.LittleEndian.Uint16(b[4:]),
		Desc:      binary.LittleEndian.Uint64(b[8:]),
		Driver:    binary.LittleEndian.Uint64(b[16:]),
		Device:    binary.LittleEndian.Uint64(b[24:]),
	}, nil
}

// VQNotifyCfg is the value of a VQ_NOTIFY_CFG part (8 bytes):
// le16 queue_notify_off; le16 queue_notif_config_data; u8 reserved[4].
type VQNotifyCfg struct {
	NotifyOff       uint16
	NotifConfigData uint16
}

// Encode returns the 8-byte value.
func (v VQNotifyCfg) Encode() []byte {
	b := make([]byte, spec.VQNotifyCfgSize)
	binary.LittleEndian.PutUint16(b[0:], v.NotifyOff)
	binary.LittleEndian.PutUint16(b[2:], v.NotifConfigData)
	return b
}

// Part returns the VQ_NOTIFY_CFG part for virtqueue vq.
func (v VQNotifyCfg) Part(vq uint16) Part { return NewVQPart(spec.PartVQNotifyCfg, vq, v.Encode()) }

// DecodeVQNotifyCfg reads a VQ_NOTIFY_CFG value, which must be exactly 8
// bytes. The reserved bytes are ignored.
func DecodeVQNotifyCfg(b []byte) (VQNotifyCfg, error) {
	if len(b) != spec.VQNotifyCfgSize {
		return VQNotifyCfg{}, valueError("VQ_NOTIFY_CFG value", 0,
			fmt.Errorf("%w %d, want %d", ErrLength, len(b), spec.VQNotifyCfgSize))
	}
	return VQNotifyCfg{
		NotifyOff:       binary.LittleEndian.Uint16(b[0:]),
		NotifConfigData: binary.LittleEndian.Uint16(b[2:]),
	}, nil
}

// FeatureWords is the value of the DEV_FEATURES / DRV_FEATURES parts and of
// the draft DEV_FEATURES / DRV_FEATURES fields: le64 feature_bits[]; word i
// holds feature bits 64*i … 64*i+63.
type FeatureWords []uint64

// Encode returns 8 bytes per word.
func (f FeatureWords) Encode() []byte { return f.AppendValue(make([]byte, 0, 8*len(f))) }

// AppendValue appends 8 bytes per word to b.
func (f FeatureWords) AppendValue(b []byte) []byte {
	for _, w := range f {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b
}

// Has reports whether feature bit bit is set.
func (f FeatureWords) Has(bit uint) bool {
	i := int(bit / 64)
	return i < len(f) && f[i]&(1<<(bit%64)) != 0
}

// DecodeFeatureWords reads le64 feature words; the length must be a
// multiple of 8.
func DecodeFeatureWords(b []byte) (FeatureWords, error) {
	if len(b)%8 != 0 {
		return nil, valueError("feature words", 0, fmt.Errorf("%w %d, want a multiple of 8", ErrLength, len(b)))
	}
	f := make(FeatureWords, len(b)/8)
	for i := range f {
		f[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return f, nil
}

// CommonCfgValue reads the value of a PCI_COMMON_CFG part (1, 2 or 4 bytes,
// little-endian) as a number.
func CommonCfgValue(b []byte) (uint32, error) {
	switch len(b) {
	case 1:
		return uint32(b[0]), nil
	case 2:
		return uint32(binary.LittleEndian.Uint16(b)), nil
	case 4:
		return binary.LittleEndian.Uint32(b), nil
	}
	return 0, valueError("PCI_COMMON_CFG value", 0, fmt.Errorf("%w %d, want 1, 2 or 4", ErrLength, len(b)))
}

// CommonCfgBytes encodes v as the little-endian value of a common
// configuration field (its size from spec.CommonCfgFields; 4 bytes for an
// offset that starts no field).
func CommonCfgBytes(field spec.CommonCfgField, v uint32) []byte {
	size := 4
	if f, ok := spec.LookupCommonCfgField(uint32(field)); ok {
		size = f.Size
	}
	var w [4]byte
	binary.LittleEndian.PutUint32(w[:], v)
	return w[:size:size]
}
