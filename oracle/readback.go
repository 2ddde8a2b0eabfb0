package oracle

import (
	"fmt"

	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/ownerview"
)

// Readback is the readback oracle: what the owner reads back from a member
// agrees with what it set and with what the member said before.
var Readback observe.ReceivedOracle = readback{}

type readback struct{}

var readbackInfo = observe.OracleInfo{
	Name: "readback",
	Doc:  "what the owner reads back agrees with what it set and what it was told: DEV_MODE_GET returns the mode the owner last set; a context or parts read matches the size reported just before it",
	Reqs: []string{"DRAFT-MODE-04", "DRAFT-CTX-06", "DP-DEV-03", "DP-DEV-15"},
	Observes: "the result of DEV_MODE_GET (draft-2023), which the hypervisor sends after every DEV_MODE_SET, " +
		"against the mode the owner last set successfully; the length of a DEV_CTX_READ (draft-2023) sized by " +
		"the DEV_CTX_SIZE_GET just before it, taken while the owner has the member in Freeze: one chunk of " +
		"exactly that size; a DEV_PARTS_GET(ALL) (virtio-1.4) after a METADATA_GET(SIZE): whole parts in the " +
		"required order, and no longer than that size when the member was stopped at both and no write TLP " +
		"reached it from the size query's submission to the read (a stopped virtio-1.4 member may update its " +
		"parts on a notification or a configuration write, DP-DEV-10). A draft read is not judged when a " +
		"doorbell reached the frozen member in that time under freeze-notify=latch, which keeps it in the " +
		"context (frozen-context judges such changes)",
}

func (readback) Info() observe.OracleInfo { return readbackInfo }

// draftSizeMismatch says what the host saw of a frozen member's draft
// context read that does not match the size reported just before it: the
// size, the first read's length and what followed it (one read of exactly
// the size is what DRAFT-CTX-06 asks for), and whether a write reached the
// member from the size query to the read. It does not say how large the
// read's buffer was: the owner sizes it from the size, but after a read
// failed with ENOMEM it sizes it again and, the last time, sends its
// largest buffer (world/hv, readContext), which the read does not record.
func draftSizeMismatch(name string, r *ownerview.ContextRead) string {
	msg := fmt.Sprintf("%s: DEV_CTX_SIZE_GET reported %d bytes; the DEV_CTX_READ after it returned %d bytes, "+
		"the whole context", name, r.Size, r.FirstChunk)
	if r.Chunks > 1 {
		msg = fmt.Sprintf("%s: DEV_CTX_SIZE_GET reported %d bytes; the first DEV_CTX_READ after it returned %d bytes "+
			"and the context did not end there: %s followed with %s more (%d in all)", name, r.Size, r.FirstChunk,
			plural.Count(r.Chunks-1, "more read"), plural.Count(r.Total-r.FirstChunk, "byte"), r.Total)
	}
	if r.WrittenSinceSize {
		msg += "; a write reached the member between the size query and the read"
	}
	return msg
}

// CheckReceived judges a DEV_MODE_GET and a complete read.
func (readback) CheckReceived(p *observe.ReceivedPass) {
	name := p.Member.Name // built only for a report
	ed := p.Edition()
	if p.ModeGet && p.Before.Present && !p.Before.ModePending && !p.Before.FLR && p.Mode != p.Before.Mode {
		p.ReportReqs([]string{"DRAFT-MODE-04"}, []string{p.Who, name()}, "%s: DEV_MODE_GET returned %s, but the "+
			"last DEV_MODE_SET that succeeded set %s", name(), ed.ModeName(p.Mode), ed.ModeName(p.Before.Mode))
		return
	}
	r := p.Read
	if r == nil || r.Size < 0 {
		return
	}
	if r.SizeExact {
		// Only a latched doorbell may change a frozen member (the
		// freeze-notify=latch knob); then the read may outgrow the size.
		latched := r.NotifiedSinceSize && p.Rules().FreezeNotify == spec.FreezeNotifyLatch
		if r.Frozen && !latched && !r.SizeMatches() {
			p.ReportReqs([]string{"DRAFT-CTX-06"}, []string{p.Who, name()}, "%s", draftSizeMismatch(name(), r))
		}
		return
	}
	// Whole parts in the required order always; no more than the size
	// only when the member was stopped from the size query to the read
	// and nothing was written to it in between (running, or notified while
	// stopped, its parts may grow, and the driver's buffer, page-sized
	// under Linux, may hold the larger result).
	//
	// The two break different statements: parts that do not decode, or
	// come out of the required order, break DP-DEV-03; a result longer
	// than the size the device reported breaks what DEV_PARTS_METADATA_GET
	// answers, DP-DEV-15 (the catalog's statement of that command; the
	// kit's device test DP-DEV-15/virtio-1.4/metadata-buffer-too-small
	// judges the same size against DEV_PARTS_GET(ALL)), not the order.
	longer := int64(r.FirstChunk) > r.Size && r.SizeQuiesced && r.Quiesced && !r.WrittenSinceSize
	switch {
	case longer:
		p.ReportReqs([]string{"DP-DEV-15"}, []string{p.Who, name()}, "%s: DEV_PARTS_METADATA_GET(SIZE) reported %d bytes; "+
			"the DEV_PARTS_GET(ALL) right after it returned %d bytes: more than the size", name(), r.Size, r.FirstChunk)
	case r.Err != nil:
		p.ReportReqs([]string{"DP-DEV-03"}, []string{p.Who, name()}, "%s: DEV_PARTS_METADATA_GET(SIZE) reported %d bytes; "+
			"the DEV_PARTS_GET(ALL) right after it returned %d bytes: %s", name(), r.Size, r.FirstChunk, r.Err.Error())
	}
}
