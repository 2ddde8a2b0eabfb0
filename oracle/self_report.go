package oracle

import (
	"bytes"

	"github.com/migsim/migsim/spec"

	"github.com/migsim/migsim/world/observe"
)

// SelfReport is the self-report oracle: what a member says about itself
// (its status and its context digest) agrees with what the owner knows and
// reads. It is the one oracle that looks at a device's own account, and
// only to compare it with the host's view: no other verdict depends on it.
var SelfReport interface {
	observe.EventOracle
	observe.ReceivedOracle
} = selfReport{}

type selfReport struct{}

var selfReportInfo = observe.OracleInfo{
	Name: "self-report",
	Doc:  "a member's account of itself agrees with the host's view: it does not claim a mode other than the one the owner set, and its context digest changes exactly when its context reads do",
	Observes: "the mode a member reports in its status after every event, against the mode the owner last set " +
		"(while no mode command is outstanding); the member's context digest when it answered two reads of " +
		"one quiesced epoch, or, where every read returns the whole context (virtio-1.4, draft-2023 read=full), " +
		"the first read of a quiesced epoch and the last of an earlier one (a stale digest), " +
		"against the bytes those reads returned",
}

func (selfReport) Info() observe.OracleInfo { return selfReportInfo }

// PerEvent implements observe.PerEventOracle: it judges each event on its own.
func (selfReport) PerEvent() {}

// Memberwise implements observe.MemberwiseOracle: its verdict on a member of the pass's Members follows from the mode the member reports and the host's view of it.
func (selfReport) Memberwise() {}

// CheckEvent reports a member the owner knows is stopped that claims
// another mode (typically Active: a device that acks the stop and goes on
// as if running while saying so).
func (selfReport) CheckEvent(p *observe.EventPass) {
	ed := p.Edition()
	for i := range p.Members {
		m := &p.Members[i]
		v := m.Owner()
		if !v.Stopped() || v.ModePending || v.FLR || v.FLRDeferred {
			continue
		}
		if got := m.After.Mode; got != v.Mode {
			name := m.Name()
			p.Report([]string{p.Who, name}, "%s claims %s although the owner set %s (after a step of %s)", name,
				ed.ModeName(got), ed.ModeName(v.Mode), p.Who)
			return
		}
	}
}

// CheckReceived compares the member's digest with the bytes of its
// quiesced reads: a read against the first read of its quiesced epoch
// (the host's image after each), and, where every read returns the whole
// context (virtio-1.4's DEV_PARTS_GET ALL, draft-2023 under read=full),
// that first read against the last quiesced read of an earlier epoch,
// each in canonical order (ContextRead.Whole: a device may return one
// context in another valid order): the member ran or changed mode in
// between, and a digest kept from before a change is stale. The bytes
// changed exactly when the digest did. A draft-2023 incremental read
// returns what changed since the read before, which two epochs apart says
// nothing of the whole context; the host's image, merged from such reads,
// is no copy of it either.
func (selfReport) CheckReceived(p *observe.ReceivedPass) {
	r := p.Read
	if r == nil || r.Err != nil {
		return
	}
	switch {
	case !r.First && r.DigestKnown:
		digestAgrees(p, r.EpochImage, r.EpochDigest, r.Image, r.Digest, "")
	case r.First && r.Earlier != nil && (p.Edition() == spec.Virtio14 || p.Rules().Read == spec.ReadFull):
		digestAgrees(p, r.Earlier.Whole, r.Earlier.Digest, r.Whole, r.Digest, " since its read in an earlier quiesced epoch")
	}
}

// digestAgrees reports a member whose context digest did not change
// exactly when the bytes its reads returned did, from a read (before,
// beforeDigest) to a later one (after, afterDigest); since says which
// earlier read.
func digestAgrees(p *observe.ReceivedPass, before []byte, beforeDigest uint64, after []byte, afterDigest uint64, since string) {
	bytesChanged := !bytes.Equal(after, before)
	digestChanged := afterDigest != beforeDigest
	if bytesChanged == digestChanged {
		return
	}
	name := p.Member.Name()
	if bytesChanged {
		p.Report([]string{p.Who, name}, "%s: its context reads changed%s but its context digest did not (%#x)", name, since, afterDigest)
		return
	}
	p.Report([]string{p.Who, name}, "%s: its context digest changed%s (%#x → %#x) but its context reads did not", name, since,
		beforeDigest, afterDigest)
}
