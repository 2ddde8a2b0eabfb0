package world

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// TestPeerRead: a peer's BAR0 reads return the VF's registers (device
// config, common config, MSI-X table; all ones for a VF that does not
// exist), land in the peer's part of GuestLog in program order, and see a
// peer write of the same field.
func TestPeerRead(t *testing.T) {
	src := `scenario p2p
vfs 1
guest a
  probe
  signal probed
peer dev
  await probed
  read offset=0x2000 len=8
  read offset=0x14 len=1
  read offset=0x400c len=4
  write offset=0x400c bytes=01000000
  read offset=0x400c len=4
  read offset=0x2020 len=1
`
	s, err := scenario.ParseScenario("p2p.scn", []byte(src))
	require.NoError(t, err)
	for _, ed := range spec.Editions {
		var w *World
		_, err = engine.Run(func(st engine.Streams) (engine.System, error) {
			var err error
			w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Reference: true}, st)
			return w, err
		}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
		require.NoError(t, err)
		var peer []string
		for _, l := range w.GuestLog() {
			if len(l) > 5 && l[:5] == "dev: " {
				peer = append(peer, l[5:])
			}
		}
		assert.Equal(t, []string{
			"read vf1 +0x2000/8: 0008000000000000", // capacity 2048
			"read vf1 +0x14/1: 0f",                 // ACK|DRIVER|DRIVER_OK|FEATURES_OK
			"read vf1 +0x400c/4: 00000000",         // entry 0 unmasked
			"read vf1 +0x400c/4: 01000000",         // masked by the peer's write
			"read vf1 +0x2020/1: 01",               // writeback
		}, peer, ed.String())
	}
}

// TestPeerReadRejectsBadArguments: a read past BAR0 or of more than 8
// bytes is refused.
func TestPeerReadRejectsBadArguments(t *testing.T) {
	for line, want := range map[string]string{
		"read offset=0x7fff len=2": "read: offset 0x7fff + len 2 beyond BAR0",
		"read offset=0 len=9":      "read: len=9: want a number 1..8",
	} {
		s, err := scenario.ParseScenario("p2p.scn", []byte("scenario p2p\nvfs 1\nguest a\n  probe\npeer dev\n  "+line+"\n"))
		require.NoError(t, err)
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			return NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), Reference: true}, st)
		}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
		require.NoError(t, err)
		require.NotNil(t, res.Finding, line)
		assert.Equal(t, "scenario", res.Finding.Oracle, line)
		assert.Contains(t, res.Finding.Message, want, line)
	}
}
