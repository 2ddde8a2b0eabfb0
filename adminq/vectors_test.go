package adminq

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

type vector struct {
	Name string `json:"name"`
	What string `json:"what"`
	Len  int    `json:"len"`
	Hex  string `json:"hex"`
}

// loadVectors reads testdata/admin-v1.4.json: struct layouts of Linux's
// include/uapi/linux/virtio_pci.h with values chosen by hand (the file's
// "source" says which commit). devctx/testdata holds the same file.
func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "admin-v1.4.json"))
	require.NoError(tb, err)
	var doc struct {
		Vectors []vector `json:"vectors"`
	}
	require.NoError(tb, json.Unmarshal(raw, &doc))
	require.NotEmpty(tb, doc.Vectors)
	return doc.Vectors
}

func vectorBytes(tb testing.TB, v vector) []byte {
	tb.Helper()
	b, err := hex.DecodeString(v.Hex)
	require.NoError(tb, err, v.Name)
	require.Len(tb, b, v.Len, "%s: len field disagrees with hex", v.Name)
	return b
}

// resultRequest names, for each res-* vector with a command-specific
// result, the cmd-* vector it answers. res-e* vectors are status-only and
// decode without a request.
var resultRequest = map[string]string{
	"res-list-query-ok":        "cmd-list-query-sriov",
	"res-cap-id-list":          "cmd-cap-id-list-query-self",
	"res-device-cap-dev-parts": "cmd-device-cap-get-dev-parts",
	"res-metadata-size":        "cmd-metadata-get-size",
}

// TestAVQ_DEV_01_VectorsRoundTrip checks every command and result vector:
// decode → typed value → encode gives the vector's bytes exactly, whatever
// length the vector was given (AVQ-DEV-01, AVQ-DEV-02).
func TestAVQ_DEV_01_VectorsRoundTrip(t *testing.T) {
	vecs := loadVectors(t)
	byName := map[string][]byte{}
	for _, v := range vecs {
		byName[v.Name] = vectorBytes(t, v)
	}
	checked := 0
	for _, v := range vecs {
		b := byName[v.Name]
		switch {
		case strings.HasPrefix(v.Name, "cmd-"):
			t.Run(v.Name, func(t *testing.T) {
				c := DecodeTypedCommand(spec.Virtio14, b)
				cs, ok := Lookup(spec.Virtio14, c.Opcode)
				require.True(t, ok, "opcode %#x", c.Opcode)
				assert.NotEqual(t, "data", firstFieldName(c.Data), "typed, not raw")
				assert.Equal(t, v.Hex, hex.EncodeToString(c.Encode()), cs.Name)
			})
			checked++
		case strings.HasPrefix(v.Name, "res-"):
			t.Run(v.Name, func(t *testing.T) {
				var req *TypedCommand
				if cmdName, ok := resultRequest[v.Name]; ok {
					cb, ok := byName[cmdName]
					require.True(t, ok, "request vector %s", cmdName)
					rc := DecodeTypedCommand(spec.Virtio14, cb)
					req = &rc
				} else {
					require.True(t, strings.HasPrefix(v.Name, "res-e"),
						"result vector %s has no request in resultRequest", v.Name)
				}
				r := DecodeTypedResult(spec.Virtio14, req, b)
				if req != nil {
					assert.Equal(t, spec.StatusOK, r.Status)
					cs, ok := Lookup(spec.Virtio14, req.Opcode)
					require.True(t, ok)
					_, raw := r.Data.Payload.(Raw)
					assert.Equal(t, cs.ContextResult(), raw, "typed, unless a parts result (devctx decodes those)")
				} else {
					assert.NotEqual(t, spec.StatusOK, r.Status)
					assert.Equal(t, 0, r.Data.Len)
				}
				assert.Equal(t, v.Hex, hex.EncodeToString(r.Encode()))
			})
			checked++
		case strings.HasPrefix(v.Name, "part-"):
			// Device parts are package devctx's: its tests round-trip
			// the part-* vectors. Skipped here on purpose.
		default:
			t.Errorf("vector %s: unknown name prefix", v.Name)
		}
	}
	assert.Equal(t, 22, checked, "cmd-* and res-* vectors checked")
}

func firstFieldName(b Body) string {
	f := b.Fields()
	if len(f) == 0 {
		return ""
	}
	return f[0].Name
}

// TestADM_DEV_01_VectorValues checks decoded values of the vectors against
// what each vector's description says.
func TestADM_DEV_01_VectorValues(t *testing.T) {
	vecs := loadVectors(t)
	byName := map[string][]byte{}
	for _, v := range vecs {
		byName[v.Name] = vectorBytes(t, v)
	}
	cmd := func(t *testing.T, name string) TypedCommand {
		b, ok := byName[name]
		require.True(t, ok, name)
		return DecodeTypedCommand(spec.Virtio14, b)
	}
	tests := []struct {
		name  string
		check func(t *testing.T, c TypedCommand)
	}{
		{"cmd-list-query-sriov", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, uint16(spec.OpListQuery), c.Opcode)
			assert.Equal(t, spec.GroupSRIOV, c.Group)
			assert.Equal(t, None{}, c.Data.Payload)
		}},
		{"cmd-list-use-sriov", func(t *testing.T, c TypedCommand) {
			bm, ok := c.Data.Payload.(Bitmap)
			require.True(t, ok)
			assert.Equal(t, []uint{0, 1, 7, 8, 9, 10, 13, 14, 15, 16, 17}, bm.Bits())
		}},
		{"cmd-dev-mode-set-stop-linux", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, uint16(spec.OpDevModeSet), c.Opcode)
			assert.Equal(t, uint64(3), c.Member)
			assert.Equal(t, ModeFlags{Flags: 1}, c.Data.Payload)
			assert.Equal(t, 1, c.Data.Len)
		}},
		{"cmd-dev-mode-set-resume-padded", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, ModeFlags{Flags: 0}, c.Data.Payload)
			assert.Equal(t, 8, c.Data.Len)
			assert.Nil(t, c.Data.Extra)
		}},
		{"cmd-cap-id-list-query-self", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, spec.GroupSelf, c.Group)
			assert.Equal(t, uint16(spec.OpCapIDListQuery), c.Opcode)
		}},
		{"cmd-device-cap-get-dev-parts", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, CapGet{ID: spec.CapDevParts}, c.Data.Payload)
		}},
		{"cmd-driver-cap-set-dev-parts", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, DriverCapSet{ID: 0, Cap: DevPartsCap{GetLimit: 2, SetLimit: 2}}, c.Data.Payload)
		}},
		{"cmd-obj-create-parts-get", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, uint64(3), c.Member)
			assert.Equal(t, ObjCreate{Hdr: ObjHeader{Type: spec.ResourceObjDevParts, ID: 1},
				Specific: DevPartsObj{Type: spec.DevPartsObjTypeGet}}, c.Data.Payload)
		}},
		{"cmd-obj-create-parts-set", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, uint64(7), c.Member)
			assert.Equal(t, ObjCreate{Hdr: ObjHeader{Type: spec.ResourceObjDevParts, ID: 0},
				Specific: DevPartsObj{Type: spec.DevPartsObjTypeSet}}, c.Data.Payload)
		}},
		{"cmd-obj-destroy", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, ObjHeader{ID: 1}, c.Data.Payload)
		}},
		{"cmd-metadata-get-size", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, MetadataGet{Hdr: ObjHeader{ID: 1}, Type: spec.MetadataSize}, c.Data.Payload)
		}},
		{"cmd-parts-get-all", func(t *testing.T, c TypedCommand) {
			assert.Equal(t, PartsGet{Hdr: ObjHeader{ID: 1}, Type: spec.PartsGetAll}, c.Data.Payload)
		}},
		{"cmd-parts-get-selected", func(t *testing.T, c TypedCommand) {
			p, ok := c.Data.Payload.(PartsGet)
			require.True(t, ok)
			assert.Equal(t, spec.PartsGetSelected, p.Type)
			require.Len(t, p.HdrList, 2)
			assert.Equal(t, "0301", hex.EncodeToString(p.HdrList[0][:2]), "DEVICE_STATUS")
			assert.Equal(t, "0401", hex.EncodeToString(p.HdrList[1][:2]), "VQ_CFG")
		}},
		{"cmd-parts-set", func(t *testing.T, c TypedCommand) {
			p, ok := c.Data.Payload.(PartsSet)
			require.True(t, ok)
			assert.Equal(t, ObjHeader{ID: 0}, p.Hdr)
			assert.Equal(t, uint64(7), c.Member)
			assert.Len(t, p.Parts, 41)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, cmd(t, tt.name)) })
	}
}

// TestADM_DEV_01_VectorResultValues checks the decoded results.
func TestADM_DEV_01_VectorResultValues(t *testing.T) {
	vecs := loadVectors(t)
	byName := map[string][]byte{}
	for _, v := range vecs {
		byName[v.Name] = vectorBytes(t, v)
	}
	tests := []struct {
		name   string
		answer string
		want   Payload
		status spec.Status
		qual   spec.Qualifier
	}{
		{"res-list-query-ok", "cmd-list-query-sriov",
			Bitmap{Kind: BitmapOpcodes, Edition: spec.Virtio14, Words: []uint64{0x3e783}}, spec.StatusOK, spec.QOK},
		{"res-cap-id-list", "cmd-cap-id-list-query-self",
			Bitmap{Kind: BitmapCaps, Edition: spec.Virtio14, Words: []uint64{1}}, spec.StatusOK, spec.QOK},
		{"res-device-cap-dev-parts", "cmd-device-cap-get-dev-parts",
			DevPartsCap{GetLimit: 4, SetLimit: 2}, spec.StatusOK, spec.QOK},
		{"res-metadata-size", "cmd-metadata-get-size",
			Raw{Name: "result", Bytes: []byte{200, 0, 0, 0, 0, 0, 0, 0}}, spec.StatusOK, spec.QOK},
		{"res-einval-invalid-member", "", None{}, spec.StatusEINVAL, spec.QInvalidMember},
		{"res-einval-invalid-group", "", None{}, spec.StatusEINVAL, spec.QInvalidGroup},
		{"res-einval-invalid-opcode", "", None{}, spec.StatusEINVAL, spec.QInvalidOpcode},
		{"res-eagain-tryagain", "", None{}, spec.StatusEAGAIN, spec.QTryAgain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req *TypedCommand
			if tt.answer != "" {
				c := DecodeTypedCommand(spec.Virtio14, byName[tt.answer])
				req = &c
			}
			r := DecodeTypedResult(spec.Virtio14, req, byName[tt.name])
			assert.Equal(t, tt.status, r.Status)
			assert.Equal(t, tt.qual, r.Qualifier)
			assert.Equal(t, tt.want, r.Data.Payload)
		})
	}
}
