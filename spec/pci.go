package spec

import (
	"fmt"
	"sync"
)

// CommonCfgField names one field of struct virtio_pci_common_cfg
// (virtio spec transport-pci.tex, "Common configuration structure layout").
// The value is the field's byte offset.
type CommonCfgField uint8

// Common configuration fields by offset. 64-bit fields have a Lo and a Hi
// half that the driver writes independently (PCI-DEV-02).
const (
	CfgDeviceFeatureSelect  CommonCfgField = 0
	CfgDeviceFeature        CommonCfgField = 4
	CfgDriverFeatureSelect  CommonCfgField = 8
	CfgDriverFeature        CommonCfgField = 12
	CfgConfigMSIXVector     CommonCfgField = 16
	CfgNumQueues            CommonCfgField = 18
	CfgDeviceStatus         CommonCfgField = 20
	CfgConfigGeneration     CommonCfgField = 21
	CfgQueueSelect          CommonCfgField = 22
	CfgQueueSize            CommonCfgField = 24
	CfgQueueMSIXVector      CommonCfgField = 26
	CfgQueueEnable          CommonCfgField = 28
	CfgQueueNotifyOff       CommonCfgField = 30
	CfgQueueDescLo          CommonCfgField = 32
	CfgQueueDescHi          CommonCfgField = 36
	CfgQueueDriverLo        CommonCfgField = 40
	CfgQueueDriverHi        CommonCfgField = 44
	CfgQueueDeviceLo        CommonCfgField = 48
	CfgQueueDeviceHi        CommonCfgField = 52
	CfgQueueNotifConfigData CommonCfgField = 56
	CfgQueueReset           CommonCfgField = 58
	CfgAdminQueueIndex      CommonCfgField = 60
	CfgAdminQueueNum        CommonCfgField = 62
)

// CommonCfgSize is sizeof(struct virtio_pci_modern_common_cfg).
const CommonCfgSize = 64

// CommonCfgFieldInfo describes one common-configuration field.
type CommonCfgFieldInfo struct {
	Field    CommonCfgField
	Name     string // spec name
	Size     int    // bytes
	ReadOnly bool
	// PerQueue fields are indexed by queue_select.
	PerQueue bool
	// Half is "lo" or "hi" for the halves of a 64-bit field, else "".
	Half string
}

// CommonCfgFields lists every field of the common configuration in offset
// order. The 64-bit queue addresses appear as their lo and hi halves.
var CommonCfgFields = []CommonCfgFieldInfo{
	{CfgDeviceFeatureSelect, "device_feature_select", 4, false, false, ""},
	{CfgDeviceFeature, "device_feature", 4, true, false, ""},
	{CfgDriverFeatureSelect, "driver_feature_select", 4, false, false, ""},
	{CfgDriverFeature, "driver_feature", 4, false, false, ""},
	{CfgConfigMSIXVector, "config_msix_vector", 2, false, false, ""},
	{CfgNumQueues, "num_queues", 2, true, false, ""},
	{CfgDeviceStatus, "device_status", 1, false, false, ""},
	{CfgConfigGeneration, "config_generation", 1, true, false, ""},
	{CfgQueueSelect, "queue_select", 2, false, false, ""},
	{CfgQueueSize, "queue_size", 2, false, true, ""},
	{CfgQueueMSIXVector, "queue_msix_vector", 2, false, true, ""},
	{CfgQueueEnable, "queue_enable", 2, false, true, ""},
	{CfgQueueNotifyOff, "queue_notify_off", 2, true, true, ""},
	{CfgQueueDescLo, "queue_desc_lo", 4, false, true, "lo"},
	{CfgQueueDescHi, "queue_desc_hi", 4, false, true, "hi"},
	{CfgQueueDriverLo, "queue_driver_lo", 4, false, true, "lo"},
	{CfgQueueDriverHi, "queue_driver_hi", 4, false, true, "hi"},
	{CfgQueueDeviceLo, "queue_device_lo", 4, false, true, "lo"},
	{CfgQueueDeviceHi, "queue_device_hi", 4, false, true, "hi"},
	{CfgQueueNotifConfigData, "queue_notif_config_data", 2, true, true, ""},
	{CfgQueueReset, "queue_reset", 2, false, true, ""},
	{CfgAdminQueueIndex, "admin_queue_index", 2, true, false, ""},
	{CfgAdminQueueNum, "admin_queue_num", 2, true, false, ""},
}

// commonCfgIndex maps an offset inside the common configuration to
// 1 + the index in CommonCfgFields of the field that starts there (0: none).
// Every register write of a member or the PF looks its field up, so the
// lookup indexes instead of searching the list.
var commonCfgIndex = func() (t [CommonCfgSize]uint8) {
	for i, f := range CommonCfgFields {
		t[f.Field] = uint8(i + 1)
	}
	return t
}()

// LookupCommonCfgField returns the field that starts at offset off.
func LookupCommonCfgField(off uint32) (CommonCfgFieldInfo, bool) {
	if off >= CommonCfgSize || commonCfgIndex[off] == 0 {
		return CommonCfgFieldInfo{}, false
	}
	return CommonCfgFields[commonCfgIndex[off]-1], true
}

// LookupCommonCfgField64 returns the name of the le64 field of struct
// virtio_pci_common_cfg that starts at offset off: queue_desc (32),
// queue_driver (40) or queue_device (48). The virtio spec ("Common
// configuration structure layout") declares them le64; Linux's
// include/uapi/linux/virtio_pci.h declares each as two le32 halves
// (queue_desc_lo, queue_desc_hi), and the spec lets a driver write them so
// (PCI-DEV-02). CommonCfgFields lists the halves.
func LookupCommonCfgField64(off uint32) (string, bool) {
	switch off {
	case uint32(CfgQueueDescLo):
		return "queue_desc", true
	case uint32(CfgQueueDriverLo):
		return "queue_driver", true
	case uint32(CfgQueueDeviceLo):
		return "queue_device", true
	}
	return "", false
}

// String returns the spec name of the field, or common_cfg+N for an offset
// that starts no field.
func (f CommonCfgField) String() string {
	if i, ok := LookupCommonCfgField(uint32(f)); ok {
		return i.Name
	}
	return fmt.Sprintf("common_cfg+%d", uint8(f))
}

// DeviceStatus is the virtio device_status register (virtio spec
// content.tex, "Device Status Field").
type DeviceStatus uint8

// Device status bits.
const (
	StatusAcknowledge      DeviceStatus = 1
	StatusDriver           DeviceStatus = 2
	StatusDriverOK         DeviceStatus = 4
	StatusFeaturesOK       DeviceStatus = 8
	StatusSuspend          DeviceStatus = 16
	StatusDeviceNeedsReset DeviceStatus = 64
	StatusFailed           DeviceStatus = 128
)

// deviceStatusNames names the device_status bits in bit order.
var deviceStatusNames = []struct {
	b DeviceStatus
	n string
}{
	{StatusAcknowledge, "ACKNOWLEDGE"}, {StatusDriver, "DRIVER"},
	{StatusDriverOK, "DRIVER_OK"}, {StatusFeaturesOK, "FEATURES_OK"},
	{StatusSuspend, "SUSPEND"}, {StatusDeviceNeedsReset, "DEVICE_NEEDS_RESET"},
	{StatusFailed, "FAILED"},
}

// String returns the set bits joined by '|' (ACKNOWLEDGE|DRIVER|…), or
// RESET for 0.
// The 256 strings are built once (deviceStatusStrings): a guest driver
// logs the status at the end of every run.
func (s DeviceStatus) String() string { return deviceStatusStrings()[s] }

// deviceStatusStrings holds deviceStatusString of every status byte.
var deviceStatusStrings = sync.OnceValue(func() *[256]string {
	var t [256]string
	for i := range t {
		t[i] = deviceStatusString(DeviceStatus(i))
	}
	return &t
})

// deviceStatusString is DeviceStatus.String, computed.
func deviceStatusString(s DeviceStatus) string {
	if s == 0 {
		return "RESET"
	}
	out := ""
	rest := s
	for _, x := range deviceStatusNames {
		if s&x.b != 0 {
			if out != "" {
				out += "|"
			}
			out += x.n
			rest &^= x.b
		}
	}
	if rest != 0 {
		if out != "" {
			out += "|"
		}
		out += fmt.Sprintf("%#02x", uint8(rest))
	}
	return out
}

// PCI identifiers used by the model.
const (
	PCIVendorVirtio    uint16 = 0x1af4
	PCIDeviceVirtioBlk uint16 = 0x1042 // 0x1040 + device id 2
	PCIDeviceVirtioNet uint16 = 0x1041
	VirtioDeviceIDNet  uint16 = 1
	VirtioDeviceIDBlk  uint16 = 2
)

// VirtioPCICapType is the cfg_type of a virtio PCI vendor capability.
type VirtioPCICapType uint8

// virtio PCI capability types.
const (
	VirtioPCICapCommonCfg VirtioPCICapType = 1
	VirtioPCICapNotifyCfg VirtioPCICapType = 2
	VirtioPCICapISRCfg    VirtioPCICapType = 3
	VirtioPCICapDeviceCfg VirtioPCICapType = 4
	VirtioPCICapPCICfg    VirtioPCICapType = 5
	VirtioPCICapSharedMem VirtioPCICapType = 8
	VirtioPCICapVendor    VirtioPCICapType = 9
)

var pciCapNames = map[VirtioPCICapType]string{
	VirtioPCICapCommonCfg: "COMMON_CFG", VirtioPCICapNotifyCfg: "NOTIFY_CFG",
	VirtioPCICapISRCfg: "ISR_CFG", VirtioPCICapDeviceCfg: "DEVICE_CFG",
	VirtioPCICapPCICfg: "PCI_CFG", VirtioPCICapSharedMem: "SHARED_MEMORY_CFG",
	VirtioPCICapVendor: "VENDOR_CFG",
}

// String returns COMMON_CFG, NOTIFY_CFG, … or CAP_n.
func (t VirtioPCICapType) String() string {
	if n, ok := pciCapNames[t]; ok {
		return n
	}
	return fmt.Sprintf("CAP_%d", uint8(t))
}
