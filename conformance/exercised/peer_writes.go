package exercised

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/vocab"
)

// gatedField is a field of a device's configuration that a driver may
// write only with a feature negotiated: without it a device may ignore
// the write.
type gatedField struct {
	dev   uint16
	name  string
	off   int // in the device configuration
	len   int
	needs spec.Feature
}

// gated lists the device-configuration fields writable only with a
// feature (virtio spec, "Block Device", "Device configuration layout":
// the driver may set the cache mode through writeback when
// VIRTIO_BLK_F_CONFIG_WCE is negotiated; a virtio-net device's
// configuration is read-only to the driver).
var gated = []gatedField{
	{dev: spec.VirtioDeviceIDBlk, name: "writeback", off: 32, len: 1, needs: spec.FeatureBlkConfigWCE},
}

// gatedAt returns the gated field of device dev that BAR0 bytes
// [off, off+n) lie inside, if any.
func gatedAt(dev uint16, off, n int) (gatedField, bool) {
	for _, g := range gated {
		start := pcie.BAR0DeviceCfg + g.off
		if g.dev == dev && off >= start && off+n <= start+g.len {
			return g, true
		}
	}
	return gatedField{}, false
}

// peerOp is one bound write or read of a peer program.
type peerOp struct {
	write    bool
	vf, off  int
	n        int
	data     []byte // a write's bytes
	readSeen int    // a read's index among the program's reads
}

// IgnoredPeerWrites says which writes of the scenario's peers to a field
// of the device configuration writable only with a feature the run did
// not negotiate (virtio-blk's writeback without VIRTIO_BLK_F_CONFIG_WCE)
// the device ignored in the run, as the host observes it: the peer's next
// read of the field, with no write of that peer to it between and no
// other peer writing it, returned other bytes than it wrote. Each is
// named with the feature and both values, in program order; "" when none
// was, when the run failed (Err) or when no guest driver negotiated
// features (what the run needed is then unknown). A row expected to give
// a finding that its run reaches only through such a write cannot give it
// with the device: the write the finding is about never took effect.
func (r Run) IgnoredPeerWrites() string {
	if r.err != nil || !r.probed || r.scn == nil {
		return ""
	}
	progs, ok := r.peerPrograms()
	if !ok {
		return ""
	}
	var out []string
	for _, p := range progs {
		lines := r.peerReads(p.name)
		if len(lines) != p.reads {
			continue // a read not sent: the log does not line up with the program
		}
		for i, w := range p.ops {
			g, ok := gatedAt(r.dev, w.off, w.n)
			if !w.write || !ok || r.fs.Has(g.needs) || writtenByOther(progs, p.name, w) {
				continue
			}
			got, ok := readBack(p.ops[i+1:], w, lines)
			if !ok || string(got) == string(w.data) {
				continue
			}
			out = append(out, fmt.Sprintf("%s wrote %s (vf%d +%#x) %s and read back %s, without %s",
				p.name, g.name, w.vf, w.off, hex.EncodeToString(w.data), hex.EncodeToString(got),
				spec.DeviceFeatureName(r.dev, int(g.needs))))
		}
	}
	return strings.Join(out, "; ")
}

// peerProgram is the writes and reads of one peer program.
type peerProgram struct {
	name  string
	ops   []peerOp
	reads int
}

// peerPrograms binds the writes and reads of the scenario's peers that
// run under the run's edition, in the scenario's order; false when an
// operation does not bind.
func (r Run) peerPrograms() ([]peerProgram, bool) {
	var out []peerProgram
	for _, p := range r.scn.Actors {
		if p.Kind != scenario.ActorPeer || (p.Edition != 0 && p.Edition != r.ed) {
			continue
		}
		pp := peerProgram{name: p.Name}
		for _, op := range p.Ops {
			if op.Verb != "write" && op.Verb != "read" {
				continue
			}
			v, err := vocab.PeerVerbs.Bind(op, r.ed, scenario.Context{})
			if err != nil {
				return nil, false
			}
			o := peerOp{write: op.Verb == "write", vf: int(v.Int("vf")), off: int(v.Int("offset")), n: int(v.Int("len"))}
			if o.write {
				if o.data, err = hex.DecodeString(v.Str("bytes")); err != nil {
					return nil, false
				}
				o.n = len(o.data)
			} else {
				o.readSeen = pp.reads
				pp.reads++
			}
			pp.ops = append(pp.ops, o)
		}
		out = append(out, pp)
	}
	return out, true
}

// peerReads returns what the reads of the named peer returned in the
// run, in program order, as its log lines have them ("read vfN
// +0xOFF/LEN: HEX" after its name).
func (r Run) peerReads(name string) []string {
	prefix := name + ": read "
	var out []string
	for _, l := range r.log {
		if s, ok := strings.CutPrefix(l, prefix); ok {
			out = append(out, "read "+s)
		}
	}
	return out
}

// readBack returns the bytes of w's range that the first read of rest
// covering it returned (lines: the program's logged reads), with no write
// of rest touching the range before it; false when there is none, when a
// read was not logged as the program has it, or when its data does not
// parse.
func readBack(rest []peerOp, w peerOp, lines []string) ([]byte, bool) {
	for _, o := range rest {
		if o.vf != w.vf || o.off >= w.off+w.n || w.off >= o.off+o.n {
			continue
		}
		if o.write {
			return nil, false
		}
		if o.off > w.off || o.off+o.n < w.off+w.n || o.readSeen >= len(lines) {
			return nil, false
		}
		hexData, ok := strings.CutPrefix(lines[o.readSeen], fmt.Sprintf("read vf%d +%#x/%d: ", o.vf, o.off, o.n))
		if !ok {
			return nil, false
		}
		got, err := hex.DecodeString(hexData)
		if err != nil || len(got) != o.n {
			return nil, false
		}
		return got[w.off-o.off : w.off-o.off+w.n], true
	}
	return nil, false
}

// writtenByOther reports whether a peer program of progs other than the
// named one writes bytes of w's range of the same VF.
func writtenByOther(progs []peerProgram, self string, w peerOp) bool {
	for _, p := range progs {
		if p.name == self {
			continue
		}
		for _, o := range p.ops {
			if o.write && o.vf == w.vf && o.off < w.off+w.n && w.off < o.off+o.n {
				return true
			}
		}
	}
	return false
}
