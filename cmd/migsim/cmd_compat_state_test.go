package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/spec"
)

// stateExamples builds the saved states of docs/compat.md's --state
// examples: the header of src-net-v3.json with payloads of device parts,
// complete runs as a device's DEV_PARTS_GET ALL returns them (virtio spec,
// Device parts: DEV_FEATURES, DRV_FEATURES, PCI_COMMON_CFG, DEVICE_STATUS,
// VQ_CFG, VQ_NOTIFY_CFG, in that order), unless an example shows what
// happens when they are not.
func stateExamples(t *testing.T) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "compat", "src-net-v3.json"))
	require.NoError(t, err)
	d, err := compat.ParseSourceDescription(data)
	require.NoError(t, err)
	h, err := d.Header()
	require.NoError(t, err)
	type opts struct {
		queues     []uint16
		incomplete bool   // no PCI_COMMON_CFG and no DEVICE_STATUS parts
		devExtra   uint64 // feature bits DEV_FEATURES has beyond the header's
		extra      []devctx.Part
	}
	payload := func(o opts) []byte {
		ps := []devctx.Part{devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{h.DeviceFeatures | o.devExtra}.Encode()),
			devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{h.DeviceFeatures}.Encode())}
		if !o.incomplete {
			for _, f := range []spec.CommonCfgField{spec.CfgDeviceFeatureSelect, spec.CfgDriverFeatureSelect,
				spec.CfgConfigMSIXVector, spec.CfgQueueSelect} {
				ps = append(ps, devctx.NewCommonCfgPart(f, devctx.CommonCfgBytes(f, 0)))
			}
			status := spec.StatusAcknowledge | spec.StatusDriver | spec.StatusFeaturesOK | spec.StatusDriverOK
			ps = append(ps, devctx.NewPart(spec.PartDeviceStatus, []byte{uint8(status)}))
		}
		for _, q := range o.queues {
			ps = append(ps, devctx.VQCfg{QueueSize: 256}.Part(q))
		}
		for _, q := range o.queues {
			ps = append(ps, devctx.VQNotifyCfg{}.Part(q))
		}
		return devctx.EncodeParts(append(ps, o.extra...))
	}
	q4 := []uint16{0, 1, 2, 3}
	vendor := h
	vendor.Parts = append(append([]compat.PartEntry(nil), h.Parts...), compat.PartEntry{Type: 0x3ff}, compat.PartEntry{Type: 0x3ff})
	good := compat.EncodeSavedState(h, payload(opts{queues: q4}))
	corrupt := bytes.Clone(good)
	corrupt[len(corrupt)-1] ^= 0x01
	return map[string][]byte{
		"state-net-4q.state": good,
		"state-net-vendor-parts.state": compat.EncodeSavedState(vendor, payload(opts{queues: q4,
			extra: []devctx.Part{devctx.NewPart(0x3ff, make([]byte, 8)), devctx.NewPart(0x3ff, make([]byte, 8))}})),
		"state-net-bad-selector.state": compat.EncodeSavedState(h, payload(opts{queues: []uint16{0, 1, 6}})),
		"state-net-corrupt.state":      corrupt,
		"state-net-incomplete.state":   compat.EncodeSavedState(h, payload(opts{queues: q4, incomplete: true})),
		"state-net-features.state":     compat.EncodeSavedState(h, payload(opts{queues: q4, devExtra: 1 << 22})),
		"state-net-cut.state":          good[:40],
	}
}

// TestCompatStateExampleFiles keeps the saved states of the docs'
// examples generated (go test ./cmd/migsim -run TestCompatStateExampleFiles -rewrite).
func TestCompatStateExampleFiles(t *testing.T) {
	for name, b := range stateExamples(t) {
		golden.Check(t, filepath.Join("..", "..", "docs", "examples", "compat", name), b)
	}
}

func TestCompatStateUsage(t *testing.T) {
	dst := filepath.Join("..", "..", "docs", "examples", "compat", "dst-net-1.3.json")
	code, out, stderr := runSimCLI(t, "compat", "--state", "nope.state", dst)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "SAVED: open nope.state")
	garbage := filepath.Join(t.TempDir(), "garbage.state")
	require.NoError(t, os.WriteFile(garbage, []byte("not a state"), 0o644))
	code, out, stderr = runSimCLI(t, "compat", "--state", garbage, dst)
	assert.Equal(t, cmdbase.ExitUsage, code, "a file that is not a saved state is an input error")
	assert.Empty(t, out)
	assert.Contains(t, stderr, "SAVED "+garbage+": not a saved state: byte 0: bad magic")
}

// TestCompatStateExitCodes: a well-formed state gets a verdict (0 or 1,
// on stdout); a file that is not a saved state at all is an input error
// (2, on stderr, naming the file and the byte offset).
func TestCompatStateExitCodes(t *testing.T) {
	trial := filepath.Join("..", "..", "devctx", "compat", "testdata", "trial")
	examples := filepath.Join("..", "..", "docs", "examples", "compat")
	dst := filepath.Join(examples, "dst-net-1.3.json")
	cases := []struct {
		saved  string
		exit   int
		stdout string // a line of the verdict
		stderr string
	}{
		{saved: filepath.Join(examples, "state-net-4q.state"), exit: cmdbase.ExitOK, stdout: "compatible: virtio-spec.org/pci/virtio-net state version 3"},
		{saved: filepath.Join(trial, "x-empty.state"), exit: cmdbase.ExitUsage, stderr: "not a saved state: byte 0: truncated: 0 bytes, the magic needs 4"},
		{saved: filepath.Join(trial, "x-magic.state"), exit: cmdbase.ExitUsage, stderr: `not a saved state: byte 0: bad magic "MGSX", want "MGSC"`},
		{saved: filepath.Join(trial, "x-trunc10.state"), exit: cmdbase.ExitUsage, stderr: "not a saved state: byte 10: truncated: 10 bytes, the fixed header needs 32"},
		{saved: filepath.Join(trial, "x-trunc40.state"), exit: cmdbase.ExitUsage, stderr: "not a saved state: byte 8: truncated: header_len 145, the input has 40 bytes"},
		{saved: filepath.Join(trial, "x-major2.state"), exit: cmdbase.ExitFinding, stdout: "  format header: byte 4: fmt_major 2, this reader knows 1"},
		{saved: filepath.Join(trial, "x-hlen-small.state"), exit: cmdbase.ExitFinding, stdout: "  format header: byte 8: header_len 20 below the 32 bytes of the fixed header"},
		{saved: filepath.Join(trial, "y-payload-garbage.state"), exit: cmdbase.ExitFinding,
			stdout: "  context payload (virtio-1.4 device parts): part 0 (PART_0xffff) at byte 130 (payload offset 0): truncated: length 4294967295 runs past the end (24 bytes left)"},
		{saved: filepath.Join(trial, "y-payload-draft-bad.state"), exit: cmdbase.ExitFinding,
			stdout: "  context payload (draft-2023 context): field 0 (FIELD_0x000b) at byte 114 (payload offset 8): unknown field type 0xb (known 0x1-0xa, device-type 0x1000-0x1fff)"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.saved), func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "compat", "--state", c.saved, dst)
			assert.Equal(t, c.exit, code)
			if c.exit == cmdbase.ExitUsage {
				assert.Empty(t, out)
				assert.Equal(t, "migsim compat: SAVED "+c.saved+": "+c.stderr+"\n", stderr)
				return
			}
			assert.Empty(t, stderr)
			assert.Contains(t, out, c.stdout+"\n")
		})
	}
}
