package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// partsRewriter is a planted virtio-net device: it changes the
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART of one command in every DEV_PARTS_SET
// it is sent (set) and in every DEV_PARTS_GET result it returns (get); a
// nil function leaves that direction alone.
type partsRewriter struct {
	member.Device
	cmd      spec.NetCVQCommand
	set, get func(value []byte) []byte
	gets     map[uint64]bool // tags of DEV_PARTS_GET commands in flight
}

func (d *partsRewriter) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin {
		switch spec.Opcode(ev.Admin.Opcode) {
		case spec.OpDevPartsSet:
			if d.set != nil && len(ev.Admin.Data) > spec.ResourceObjCmdHeaderSize {
				hdr := spec.ResourceObjCmdHeaderSize
				ev.Admin.Data = append(append([]byte(nil), ev.Admin.Data[:hdr]...), d.rewrite(ev.Admin.Data[hdr:], d.set)...)
			}
		case spec.OpDevPartsGet:
			d.gets[ev.Admin.Tag] = true
		}
	}
	fx := d.Device.Handle(ev)
	for i := range fx.Completions {
		c := &fx.Completions[i]
		if !d.gets[c.Tag] {
			continue
		}
		delete(d.gets, c.Tag)
		if d.get != nil && c.Status == spec.StatusOK {
			c.Result = d.rewrite(c.Result, d.get)
		}
	}
	return fx
}

// rewrite changes the value of d.cmd's part in an encoding of parts;
// bytes that do not decode are returned as they are.
func (d *partsRewriter) rewrite(b []byte, change func([]byte) []byte) []byte {
	ps, err := devctx.DecodeParts(b, devctx.DecodeOptions{AnyOrder: true})
	if err != nil {
		return b
	}
	out := make([]devctx.Part, len(ps.List))
	for i, p := range ps.List {
		p.Value = append([]byte(nil), p.Value...)
		if p.Type == spec.PartNetCVQCfg && p.NetCVQ().Cmd() == d.cmd {
			p.Value = change(p.Value)
		}
		out[i] = p
	}
	return devctx.EncodeParts(out)
}

// corruptingMem flips the last byte of every DMA write of a frame's size
// or more: the received frames a device writes behind their
// virtio_net_hdr.
type corruptingMem struct{ pcie.MemoryPort }

func (m corruptingMem) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if len(data) >= 100 {
		data = append([]byte(nil), data...)
		data[len(data)-1] ^= 0xff
	}
	return m.MemoryPort.WriteMem(rid, addr, data)
}

// TestNetFilterRoundTripBlame: the round trip of the receive filter blames
// what the host can tell apart. A destination that reads RX_ALLMULTI's part
// as on takes the written value otherwise (NET-PART-02, in the state read
// back and in the frames); one that applies it as on but reads back the
// value written holds it without applying it (DP-DEV-08); a source that
// receives the frames with other bytes leaves nothing to compare the
// destination with: the test's set-up fails, naming no requirement.
func TestNetFilterRoundTripBlame(t *testing.T) {
	var unit Test
	for _, dt := range All() {
		if dt.id == "NET-PART-02" && dt.name == "net-mac-table-round-trip" {
			unit = dt
		}
	}
	require.NotEmpty(t, unit.name)
	on := func([]byte) []byte { return []byte{1} }
	off := func([]byte) []byte { return []byte{0} }
	allMulti := func(set, get func([]byte) []byte) member.Factory {
		return func(c member.Config) member.Device {
			return &partsRewriter{Device: membernet.New(c), cmd: spec.NetRxAllMulti, set: set, get: get, gets: map[uint64]bool{}}
		}
	}
	built := 0
	corruptSource := func(c member.Config) member.Device {
		if built++; built == 1 {
			c.Mem = corruptingMem{c.Mem}
		}
		return membernet.New(c)
	}
	for _, tc := range []struct {
		name string
		f    member.Factory
		// reqs are the requirements of the failures, in order; nil for a
		// set-up failure.
		reqs  [][]string
		words []string
	}{
		{"reference", membernet.New, nil, nil},
		{"reads-allmulti-on", allMulti(on, nil),
			[][]string{{"NET-PART-02"}, {"NET-PART-02"}},
			[]string{"VIRTIO_NET_CTRL_RX_ALLMULTI part holds", "took the receive filter a DEV_PARTS_SET wrote otherwise", "not in the table (RX_ALLMULTI off)"}},
		{"applies-allmulti-on-reads-back-off", allMulti(on, off),
			[][]string{{"DP-DEV-08"}},
			[]string{"reads back the receive filter written to it but does not filter by it", "not in the table (RX_ALLMULTI off)"}},
		// Both frames it receives, the table's, are reported.
		{"corrupts-frames-on-source", corruptSource,
			[][]string{nil, nil},
			[]string{"the receive filter on the source before the move", "does not hold it behind the virtio_net_hdr"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Run(unit, spec.Virtio14, spec.DefaultRules(spec.Virtio14), tc.f, extdevice.TypeNet)
			require.NoError(t, res.Fatal)
			reqs, msgs := splitFailures(res.Failures)
			assert.Equal(t, tc.reqs, reqs, "%q", msgs)
			all := strings.Join(msgs, "\n")
			for _, w := range tc.words {
				assert.Contains(t, all, w)
			}
		})
	}
}
