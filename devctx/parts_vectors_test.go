package devctx

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// vector is one entry of testdata/admin-v1.4.json.
type vector struct {
	Name string `json:"name"`
	What string `json:"what"`
	Len  int    `json:"len"`
	Hex  string `json:"hex"`
}

// loadVectors reads testdata/admin-v1.4.json: struct layouts of Linux's
// include/uapi/linux/virtio_pci.h with values chosen by hand (the file's
// "source" says which commit); adminq/testdata holds the same file.
func loadVectors(tb testing.TB) map[string][]byte {
	tb.Helper()
	raw, err := os.ReadFile("testdata/admin-v1.4.json")
	require.NoError(tb, err)
	var file struct {
		Vectors []vector `json:"vectors"`
	}
	require.NoError(tb, json.Unmarshal(raw, &file))
	out := map[string][]byte{}
	for _, v := range file.Vectors {
		b, err := hex.DecodeString(v.Hex)
		require.NoError(tb, err, v.Name)
		require.Len(tb, b, v.Len, v.Name)
		out[v.Name] = b
	}
	return out
}

// partVectorNames returns the part-* vector names in sorted order.
func partVectorNames(vs map[string][]byte) []string {
	var names []string
	for n := range vs {
		if strings.HasPrefix(n, "part-") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

func TestPartVectorsRoundTrip(t *testing.T) {
	vs := loadVectors(t)
	names := partVectorNames(vs)
	require.Len(t, names, 7)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b := vs[name]
			ps, err := DecodeParts(b, DecodeOptions{})
			require.NoError(t, err)
			require.Len(t, ps.List, 1)
			assert.Empty(t, ps.Unknown)
			assert.Equal(t, b, EncodeParts(ps.List), "re-encode byte for byte")
			h, err := DecodePartHeader(b)
			require.NoError(t, err)
			assert.Equal(t, b[:spec.PartHeaderSize], h.Encode())
			assert.Equal(t, h, ps.List[0].Header())
		})
	}
}

func TestPartVectorsValues(t *testing.T) {
	vs := loadVectors(t)
	decode := func(name string) Part {
		ps, err := DecodeParts(vs[name], DecodeOptions{})
		require.NoError(t, err, name)
		require.Len(t, ps.List, 1, name)
		return ps.List[0]
	}

	p := decode("part-vq-cfg")
	assert.Equal(t, spec.PartVQCfg, p.Type)
	assert.Equal(t, uint16(2), p.VQIndex())
	v, err := DecodeVQCfg(p.Value)
	require.NoError(t, err)
	assert.Equal(t, VQCfg{QueueSize: 256, Vector: 1, Enabled: 1, Desc: 0x100000, Driver: 0x101000, Device: 0x102000}, v)
	assert.Equal(t, p.Value, v.Encode())
	assert.Equal(t, vs["part-vq-cfg"], EncodeParts([]Part{v.Part(2)}))
	assert.Contains(t, p.Describe(), "VQ_CFG vq 2")
	assert.Contains(t, p.Describe(), "queue_size=256 vector=1 enabled=1")

	p = decode("part-vq-notify-cfg")
	assert.Equal(t, uint16(2), p.VQIndex())
	n, err := DecodeVQNotifyCfg(p.Value)
	require.NoError(t, err)
	assert.Equal(t, VQNotifyCfg{NotifyOff: 2}, n)
	assert.Equal(t, vs["part-vq-notify-cfg"], EncodeParts([]Part{n.Part(2)}))

	p = decode("part-pci-common-cfg-queue-select")
	assert.Equal(t, uint32(spec.CfgQueueSelect), p.CommonCfgOffset())
	assert.Equal(t, []byte{1, 0}, p.Value)
	assert.Equal(t, vs["part-pci-common-cfg-queue-select"],
		EncodeParts([]Part{NewCommonCfgPart(spec.CfgQueueSelect, CommonCfgBytes(spec.CfgQueueSelect, 1))}))
	assert.Contains(t, p.Describe(), "offset 22 (queue_select)")

	p = decode("part-pci-common-cfg-desc-lo")
	assert.Equal(t, uint32(spec.CfgQueueDescLo), p.CommonCfgOffset())
	c, err := CommonCfgValue(p.Value)
	require.NoError(t, err)
	assert.Equal(t, uint32(0x12345000), c)

	p = decode("part-device-status")
	assert.Equal(t, []byte{0x0f}, p.Value)
	assert.Contains(t, p.Describe(), "ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK")

	p = decode("part-drv-features")
	assert.False(t, p.Optional())
	f, err := DecodeFeatureWords(p.Value)
	require.NoError(t, err)
	assert.Equal(t, FeatureWords{0x130000046, 0}, f)
	assert.True(t, f.Has(32), "VERSION_1")

	p = decode("part-dev-features-optional")
	assert.Equal(t, spec.PartDevFeatures, p.Type)
	assert.True(t, p.Optional())
	assert.Contains(t, p.Describe(), "flags=OPTIONAL")
}

func TestDP_DRV_02_PartsSetVectorInOrder(t *testing.T) {
	vs := loadVectors(t)
	b := vs["cmd-parts-set"]
	const dataStart = spec.AdminCmdHeaderSize + 8 // command header + resource object header
	require.Greater(t, len(b), dataStart)
	run := b[dataStart:]
	ps, err := DecodeParts(run, DecodeOptions{Complete: true})
	require.NoError(t, err)
	require.Len(t, ps.List, 2)
	assert.Equal(t, spec.PartDrvFeatures, ps.List[0].Type)
	assert.Equal(t, spec.PartDeviceStatus, ps.List[1].Type)
	assert.Equal(t, []byte{0x0f}, ps.List[1].Value)
	assert.Equal(t, run, EncodeParts(ps.List))
}

func TestPartsGetSelectedHeaderList(t *testing.T) {
	vs := loadVectors(t)
	b := vs["cmd-parts-get-selected"]
	const listStart = spec.AdminCmdHeaderSize + 8 + 8 // header, object header, type + reserved
	hs, err := DecodePartHeaders(b[listStart:])
	require.NoError(t, err)
	require.Len(t, hs, 2)
	assert.Equal(t, PartHeader{Type: spec.PartDeviceStatus}, hs[0])
	assert.Equal(t, spec.PartVQCfg, hs[1].Type)
	assert.Equal(t, uint16(1), Part{Selector: hs[1].Selector}.VQIndex())
	assert.Equal(t, "VQ_CFG vq 1 flags=0 length=0", hs[1].Describe())
}
