package devicetest

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The field list of a virtio-net device's draft-2023 context (DRAFT-CTX-09;
// docs/context-format.md, "virtio-net fields"): besides the fields every
// member carries, NET_CVQ (0x1000, the control-queue state) and
// NET_INFLIGHT (0x1001, the requests executed and not completed), each
// once in every full read, even when they hold only reset values or
// nothing. The 2023 proposal reserves the device-type range and defines
// no field of any device type; migsim assigns these two, and a destination
// of another implementation needs them under these numbers.

// netContextFields transmits a frame, then reads the whole context (after
// DEV_CTX_DISCARD) in Active and in Freeze and judges its virtio-net
// fields: present once, decodable, and NET_INFLIGHT empty, since every
// request the driver posted is complete.
func netContextFields(c *harness.Check) {
	g, gu := c.Live()
	gu.PostWork(1)
	gu.Kick(1)
	g.Run()
	if gu.Used(1) != 1 {
		c.SetUpFatalf("the test guest's transmit", "a transmit: transmitq1's used index %d, want 1", gu.Used(1))
	}
	for _, m := range []spec.Mode{spec.ModeActive, spec.ModeFreeze} {
		g.MustMode(m)
		judgeNetFields(c, g.ReadAfterDiscard(harness.SnapshotCap), "the full read in "+c.Ed.ModeName(m))
	}
}

// judgeNetFields checks the virtio-net fields of a full context read.
func judgeNetFields(c *harness.Check, fields []devctx.Field, what string) {
	var cvq, inflight int
	for _, f := range fields {
		switch f.Type {
		case spec.FieldNetCVQ:
			cvq++
			if _, err := devctx.DecodeNetCVQField(f.Value); err != nil {
				c.Errorf("", "%s: NET_CVQ: %v", what, err)
			}
		case spec.FieldNetInflight:
			inflight++
			l, err := devctx.DecodeNetInflightList(f.Value)
			if err != nil {
				c.Errorf("", "%s: NET_INFLIGHT: %v", what, err)
				continue
			}
			c.Expect(len(l.Entries) == 0, "%s: NET_INFLIGHT lists %d requests, although every request the driver posted is complete", what, len(l.Entries))
		}
	}
	others := deviceTypeFields(fields)
	c.Expect(cvq == 1, "%s has %d NET_CVQ fields (type %#x), want 1%s: a destination would lose the control-queue state (receive filters, MAC and VLAN tables, queue pairs)",
		what, cvq, uint32(spec.FieldNetCVQ), others)
	c.Expect(inflight == 1, "%s has %d NET_INFLIGHT fields (type %#x), want 1%s: a destination would execute again what the source executed and did not complete",
		what, inflight, uint32(spec.FieldNetInflight), others)
}

// deviceTypeFields names the fields of the device-type range other than
// NET_CVQ and NET_INFLIGHT a context read holds, " (device-type fields it
// has instead: 0x1010, 0x1011)", or "" when there are none: a device
// that numbers the two fields its own way sees its numbers.
func deviceTypeFields(fields []devctx.Field) string {
	var types []string
	for _, f := range fields {
		if f.Type >= spec.FieldDeviceTypeFirst && f.Type <= spec.FieldDeviceTypeLast &&
			f.Type != spec.FieldNetCVQ && f.Type != spec.FieldNetInflight {
			types = append(types, fmt.Sprintf("%#x", uint32(f.Type)))
		}
	}
	if len(types) == 0 {
		return ""
	}
	return " (device-type fields it has instead: " + strings.Join(types, ", ") + ")"
}
