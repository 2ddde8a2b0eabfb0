package spec

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// enumCase is one enum: the String of every defined value (in the value
// order of the virtio spec's tables), the names the spec gives them, and the
// pattern of the numeric fallback a defined value must never print.
type enumCase struct {
	name     string
	got      []string
	want     []string
	fallback *regexp.Regexp
	// unknown is the String of a value the enum does not define.
	unknown string
}

func strs[T fmt.Stringer](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

func opcodeStrings() []string {
	var out []string
	for v := uint16(0); v <= 0x11; v++ {
		out = append(out, Opcode(v).String())
	}
	return out
}

func draftOpcodeStrings() []string {
	var out []string
	for _, v := range []uint16{0, 1, 7, 8, 9, 0xa, 0xb, 0xc, 0xd} {
		out = append(out, DraftOpcode(v).String())
	}
	return out
}

func commonCfgStrings() []string {
	var out []string
	for _, f := range CommonCfgFields {
		out = append(out, f.Field.String())
	}
	return out
}

func modeStrings() []string {
	return []string{ModeActive.String(), ModeStop.String(), ModeFreeze.String()}
}

func enumCases() []enumCase {
	return []enumCase{
		{"Opcode", opcodeStrings(), []string{"LIST_QUERY", "LIST_USE", "LEGACY_COMMON_CFG_WRITE",
			"LEGACY_COMMON_CFG_READ", "LEGACY_DEV_CFG_WRITE", "LEGACY_DEV_CFG_READ", "LEGACY_NOTIFY_INFO",
			"CAP_ID_LIST_QUERY", "DEVICE_CAP_GET", "DRIVER_CAP_SET", "RESOURCE_OBJ_CREATE",
			"RESOURCE_OBJ_QUERY", "RESOURCE_OBJ_MODIFY", "RESOURCE_OBJ_DESTROY", "DEV_PARTS_METADATA_GET",
			"DEV_PARTS_GET", "DEV_PARTS_SET", "DEV_MODE_SET"},
			regexp.MustCompile(`^OPCODE_`), Opcode(0x12).String()},
		{"DraftOpcode", draftOpcodeStrings(), []string{"LIST_QUERY", "LIST_USE", "DEV_MODE_SET",
			"DEV_MODE_GET", "DEV_CTX_SIZE_GET", "DEV_CTX_READ", "DEV_CTX_WRITE", "DEV_CTX_FIELDS_QUERY",
			"DEV_CTX_DISCARD"}, regexp.MustCompile(`^OPCODE_`), DraftOpcode(0x2).String()},
		{"GroupType", strs(GroupTypes()), []string{"Self", "SR-IOV"},
			regexp.MustCompile(`^GROUP_`), GroupType(2).String()},
		{"Status", strs(Statuses()), []string{"OK", "ENXIO", "EAGAIN", "ENOMEM", "EBUSY", "EEXIST",
			"EINVAL", "ENOSPC"}, regexp.MustCompile(`^STATUS_`), Status(1).String()},
		{"Qualifier", strs(Qualifiers()), []string{"OK", "INVALID_COMMAND", "INVALID_OPCODE",
			"INVALID_FIELD", "INVALID_GROUP", "INVALID_MEMBER", "NORESOURCE", "TRYAGAIN"},
			regexp.MustCompile(`^QUALIFIER_`), Qualifier(8).String()},
		{"MetadataType", strs(MetadataTypes()), []string{"SIZE", "COUNT", "LIST"},
			regexp.MustCompile(`^METADATA_`), MetadataType(3).String()},
		{"PartsGetType", strs(PartsGetTypes()), []string{"SELECTED", "ALL"},
			regexp.MustCompile(`^GET_TYPE_`), PartsGetType(2).String()},
		{"PartType", strs(PartTypes()), []string{"DEV_FEATURES", "DRV_FEATURES", "PCI_COMMON_CFG",
			"DEVICE_STATUS", "VQ_CFG", "VQ_NOTIFY_CFG", "NET_CVQ_CFG"},
			regexp.MustCompile(`^PART_`), PartType(0x106).String()},
		{"FieldType", strs(FieldTypes()), []string{"PCI_COMMON_CFG", "PCI_COMMON_RUNTIME_CFG",
			"DEV_FEATURES", "DRV_FEATURES", "DEVICE_STATUS", "PCI_VQ_CFG", "VQ_SPLIT_RUNTIME_CFG",
			"VQ_SPLIT_DEV_OWN_DESC", "DEV_CFG", "PENDING_EVENTS"},
			regexp.MustCompile(`^(FIELD|DEVICE_TYPE)_`), FieldType(0xb).String()},
		{"CommonCfgField", commonCfgStrings(), []string{"device_feature_select", "device_feature",
			"driver_feature_select", "driver_feature", "config_msix_vector", "num_queues", "device_status",
			"config_generation", "queue_select", "queue_size", "queue_msix_vector", "queue_enable",
			"queue_notify_off", "queue_desc_lo", "queue_desc_hi", "queue_driver_lo", "queue_driver_hi",
			"queue_device_lo", "queue_device_hi", "queue_notif_config_data", "queue_reset",
			"admin_queue_index", "admin_queue_num"},
			regexp.MustCompile(`^common_cfg\+`), CommonCfgField(1).String()},
		{"DeviceStatus", strs(DeviceStatusBits()), []string{"ACKNOWLEDGE", "DRIVER", "DRIVER_OK",
			"FEATURES_OK", "SUSPEND", "DEVICE_NEEDS_RESET", "FAILED"},
			regexp.MustCompile(`0x`), DeviceStatus(32).String()},
		{"VirtioPCICapType", strs(VirtioPCICapTypes()), []string{"COMMON_CFG", "NOTIFY_CFG", "ISR_CFG",
			"DEVICE_CFG", "PCI_CFG", "SHARED_MEMORY_CFG", "VENDOR_CFG"},
			regexp.MustCompile(`^CAP_`), VirtioPCICapType(6).String()},
		{"Feature", strs(ModelFeatures()), []string{"VIRTIO_BLK_F_SIZE_MAX", "VIRTIO_BLK_F_SEG_MAX",
			"VIRTIO_BLK_F_BLK_SIZE", "VIRTIO_BLK_F_FLUSH", "VIRTIO_BLK_F_CONFIG_WCE", "VIRTIO_F_VERSION_1",
			"VIRTIO_F_SR_IOV", "VIRTIO_F_NOTIF_CONFIG_DATA", "VIRTIO_F_RING_RESET", "VIRTIO_F_ADMIN_VQ",
			"VIRTIO_F_SUSPEND"}, regexp.MustCompile(`^FEATURE_`), Feature(0).String()},
		{"Edition", strs(Editions), []string{"draft-2023", "virtio-1.4"},
			regexp.MustCompile(`^edition-`), Edition(0).String()},
		{"Mode", modeStrings(), []string{"Active", "Stop", "Freeze"},
			regexp.MustCompile(`^MODE_`), Mode(3).String()},
	}
}

func TestEnumStringsNameEveryDefinedValue(t *testing.T) {
	for _, c := range enumCases() {
		t.Run(c.name, func(t *testing.T) {
			require.Len(t, c.got, len(c.want), "defined values of %s", c.name)
			assert.Equal(t, c.want, c.got)
			seen := map[string]bool{}
			for _, s := range c.got {
				assert.NotRegexp(t, c.fallback, s, "%s: defined value prints the numeric fallback", c.name)
				assert.False(t, seen[s], "%s: name %s printed twice", c.name, s)
				seen[s] = true
			}
			assert.Regexp(t, c.fallback, c.unknown, "%s: an undefined value prints the numeric fallback", c.name)
		})
	}
}

func TestEnumStringsDeviceStatusCombinations(t *testing.T) {
	cases := []struct {
		in   DeviceStatus
		want string
	}{
		{0, "RESET"},
		{StatusAcknowledge | StatusDriver | StatusDriverOK | StatusFeaturesOK, "ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK"},
		{StatusFailed | 32, "FAILED|0x20"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.in.String(), "device status %#02x", uint8(c.in))
	}
}

func TestEnumStringsEditionModeNames(t *testing.T) {
	cases := []struct {
		e    Edition
		want []string
	}{
		{Draft2023, []string{"Active", "Stop", "Freeze"}},
		{Virtio14, []string{"running", "stopped"}},
	}
	for _, c := range cases {
		var got []string
		for _, m := range c.e.Modes() {
			got = append(got, c.e.ModeName(m))
		}
		assert.Equal(t, c.want, got, "modes of %s", c.e)
	}
}
