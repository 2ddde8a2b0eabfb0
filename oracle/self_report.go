package oracle

import (
	"bytes"

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
		"one quiesced epoch, against the bytes those reads returned",
}

func (selfReport) Info() observe.OracleInfo { return selfReportInfo }

// PerEvent implements observe.PerEventOracle: it judges each event on its own.
func (selfReport) PerEvent() {}

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

// CheckReceived compares the member's digest with the bytes of the reads
// of one quiesced epoch: the bytes changed exactly when the digest did.
func (selfReport) CheckReceived(p *observe.ReceivedPass) {
	r := p.Read
	if r == nil || r.First || !r.DigestKnown || r.Err != nil {
		return
	}
	bytesChanged := !bytes.Equal(r.Image, r.EpochImage)
	digestChanged := r.Digest != r.EpochDigest
	if bytesChanged == digestChanged {
		return
	}
	name := p.Member.Name()
	if bytesChanged {
		p.Report([]string{p.Who, name}, "%s: its context reads changed but its context digest did not (%#x)", name, r.Digest)
		return
	}
	p.Report([]string{p.Who, name}, "%s: its context digest changed (%#x → %#x) but its context reads did not", name,
		r.EpochDigest, r.Digest)
}
