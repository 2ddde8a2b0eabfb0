package net

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// quiesceCases are the quiesced modes of both editions under both values
// of rx-while-stopped.
func quiesceCases() []struct {
	name string
	ed   spec.Edition
	mode spec.Mode
	knob string
} {
	var out []struct {
		name string
		ed   spec.Edition
		mode spec.Mode
		knob string
	}
	for _, m := range []struct {
		ed   spec.Edition
		mode spec.Mode
	}{{spec.Draft2023, spec.ModeStop}, {spec.Draft2023, spec.ModeFreeze}, {spec.Virtio14, spec.ModeStop}} {
		for _, k := range []string{"drop", "buffer"} {
			out = append(out, struct {
				name string
				ed   spec.Edition
				mode spec.Mode
				knob string
			}{fmt.Sprintf("%s/%s/rx-while-stopped=%s", m.ed, m.ed.ModeName(m.mode), k), m.ed, m.mode, k})
		}
	}
	return out
}

// TestNoRxDMAWhileQuiesced: frames that arrive while the device is quiesced
// reach no receive buffer and raise no interrupt (DP-DEV-11, DRAFT-STOP-01,
// DRAFT-STOP-02); rx-while-stopped decides whether they are counted as
// dropped or held until the resume.
func TestNoRxDMAWhileQuiesced(t *testing.T) {
	for _, tc := range quiesceCases() {
		t.Run(tc.name, func(t *testing.T) {
			r, err := spec.ParseRules(tc.ed, []string{"rx-while-stopped=" + tc.knob})
			require.NoError(t, err)
			g := newRig(t, tc.ed, r, nil, "src", nil)
			gu := newGuest(g, allFeatures, 0, 1, ctrlMQ)
			gu.postRx(0, 32, 2048)
			g.run()
			g.modeSet(tc.mode)
			g.rec.Reset()
			irqs := len(g.irqs)
			var sent [][]byte
			for i := range 20 {
				f := g.link.Frame(g.link.MAC(), 1, -1, 64+i)
				sent = append(sent, f.Data)
				g.port.Arrive(f)
			}
			g.backend()
			g.run()
			assert.Empty(t, g.rec.Accesses, "no DMA while quiesced")
			assert.Len(t, g.irqs, irqs, "no interrupt while quiesced")
			drops := map[DropReason]int{}
			for _, d := range g.link.Drops() {
				drops[d.Reason]++
			}
			if tc.knob == "drop" {
				assert.Equal(t, map[DropReason]int{DropStopped: 20}, drops, "every frame counted")
				assert.Zero(t, g.port.Held())
			} else {
				assert.Equal(t, map[DropReason]int{DropFIFOFull: 4}, drops, "held up to the FIFO's 16, the rest counted")
				assert.Equal(t, 16, g.port.Held())
			}
			g.modeSet(spec.ModeActive)
			g.run()
			gu.harvest()
			if tc.knob == "drop" {
				assert.Empty(t, gu.rx)
			} else {
				assert.Equal(t, sent[:16], gu.frames(), "held frames delivered at resume, in order")
			}
			assert.Equal(t, 20, len(g.link.Delivered())+len(g.link.Drops()), "every frame delivered or counted")
		})
	}
}

// TestLinkDownWhileQuiesced: a link change reaches a quiesced device as a
// configuration change with its interrupt held (Stop, stopped) or deferred
// whole to the move to Active (Freeze, whose context must not change); the
// guest gets the interrupt after the resume either way.
func TestLinkDownWhileQuiesced(t *testing.T) {
	tests := []struct {
		ed        spec.Edition
		mode      spec.Mode
		shownStop uint16
	}{
		{spec.Draft2023, spec.ModeStop, 0},
		{spec.Draft2023, spec.ModeFreeze, spec.NetStatusLinkUp},
		{spec.Virtio14, spec.ModeStop, 0},
	}
	for _, tc := range tests {
		t.Run(tc.ed.String()+"/"+tc.ed.ModeName(tc.mode), func(t *testing.T) {
			g := newRig(t, tc.ed, spec.DefaultRules(tc.ed), nil, "src", nil)
			newGuest(g, allFeatures, 0, 1, ctrlMQ)
			g.modeSet(tc.mode)
			digest := g.dev.ContextDigest()
			irqs := len(g.irqs)
			g.port.SetLinkUp(false)
			g.backend()
			assert.Len(t, g.irqs, irqs, "no interrupt while quiesced")
			assert.Equal(t, tc.shownStop, uint16(g.config()[6]), "status while quiesced")
			if tc.mode == spec.ModeFreeze {
				assert.Equal(t, digest, g.dev.ContextDigest(), "the frozen context does not change")
			}
			g.modeSet(spec.ModeActive)
			g.run()
			assert.Zero(t, uint16(g.config()[6]), "link down after the resume")
			assert.Greater(t, len(g.irqs), irqs, "the configuration interrupt comes after the resume")
		})
	}
}
