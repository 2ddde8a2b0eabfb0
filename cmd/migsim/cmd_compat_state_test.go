package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/spec"
)

// stateExamples builds the saved states of docs/compat.md's --state
// examples: the header of src-net-v3.json with payloads of device parts.
func stateExamples(t *testing.T) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "compat", "src-net-v3.json"))
	require.NoError(t, err)
	d, err := compat.ParseSourceDescription(data)
	require.NoError(t, err)
	h, err := d.Header()
	require.NoError(t, err)
	payload := func(queues []uint16, extra ...devctx.Part) []byte {
		ps := []devctx.Part{devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{h.DeviceFeatures}.Encode()),
			devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{h.DeviceFeatures}.Encode())}
		for _, q := range queues {
			ps = append(ps, devctx.VQCfg{QueueSize: 256}.Part(q))
		}
		for _, q := range queues {
			ps = append(ps, devctx.VQNotifyCfg{}.Part(q))
		}
		return devctx.EncodeParts(append(ps, extra...))
	}
	vendor := h
	vendor.Parts = append(append([]compat.PartEntry(nil), h.Parts...), compat.PartEntry{Type: 0x3ff}, compat.PartEntry{Type: 0x3ff})
	corrupt := compat.EncodeSavedState(h, payload([]uint16{0, 1, 2, 3}))
	corrupt[len(corrupt)-1] ^= 0x01
	return map[string][]byte{
		"state-net-4q.state": compat.EncodeSavedState(h, payload([]uint16{0, 1, 2, 3})),
		"state-net-vendor-parts.state": compat.EncodeSavedState(vendor, payload([]uint16{0, 1, 2, 3},
			devctx.NewPart(0x3ff, make([]byte, 8)), devctx.NewPart(0x3ff, make([]byte, 8)))),
		"state-net-bad-selector.state": compat.EncodeSavedState(h, payload([]uint16{0, 1, 6})),
		"state-net-corrupt.state":      corrupt,
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
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "SAVED: open nope.state")
	garbage := filepath.Join(t.TempDir(), "garbage.state")
	require.NoError(t, os.WriteFile(garbage, []byte("not a state"), 0o644))
	code, out, _ = runSimCLI(t, "compat", "--state", garbage, dst)
	assert.Equal(t, exitFinding, code)
	assert.Contains(t, out, "incompatible at load")
	assert.Contains(t, out, "format header: byte 0: bad magic")
}
