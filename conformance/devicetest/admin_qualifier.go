package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The status and qualifier of the virtio-1.4 commands a member must
// refuse. docs/device-protocol.md ("What a virtio-1.4 device must answer")
// lists them with the reference's answer, EINVAL/INVALID_FIELD: a
// DEV_PARTS_METADATA_GET or DEV_PARTS_GET of an undefined type, a
// DEV_PARTS_SET while running (DP-DEV-04, a SHOULD), and, stopped, a
// DEV_PARTS_SET whose part length is not the device's or whose parts do
// not decode (DP-DEV-05: it fails). A failure's status is not OK
// (ADM-DEV-02). The qualifier of an EINVAL is one of EINVAL's,
// INVALID_COMMAND … INVALID_MEMBER (virtio spec admin.tex, the
// status_qualifier table), which is what the kit's admin-status oracle
// holds a member to on every row; as there, a qualifier outside them
// names no requirement (docs/conformance.md, "Qualifiers of failed
// commands"): the virtio spec binds a failure's qualifier only for the
// owner's own checks.

// CheckQualifier is the check of a failure that names no requirement: a
// member answered EINVAL with a qualifier that is none of EINVAL's.
const CheckQualifier = "EINVAL qualifier"

// refusal is one command a virtio-1.4 member must refuse.
type refusal struct {
	what string
	// stopped sends it to a stopped member (else a running one).
	stopped bool
	// mustFail is the requirement a success breaks ("": none does; only
	// the answer's qualifier is judged).
	mustFail string
	send     func(g *harness.Rig) (spec.Status, spec.Qualifier)
}

// refusals are the virtio-1.4 refusals of docs/device-protocol.md.
func refusals() []refusal {
	hdr := make([]byte, spec.ResourceObjCmdHeaderSize)
	return []refusal{
		{what: "DEV_PARTS_METADATA_GET of type 3 (none of SIZE, COUNT, LIST)", send: func(g *harness.Rig) (spec.Status, spec.Qualifier) {
			d := append(append([]byte{}, hdr...), 3, 0, 0, 0, 0, 0, 0, 0)
			c := g.Admin(uint16(spec.OpDevPartsMetadataGet), d, harness.SnapshotCap)
			return c.Status, c.Qualifier
		}},
		{what: "DEV_PARTS_GET of type 2 (neither SELECTED nor ALL)", send: func(g *harness.Rig) (spec.Status, spec.Qualifier) {
			c := g.Admin(uint16(spec.OpDevPartsGet), harness.PartsGetData(2), harness.SnapshotCap)
			return c.Status, c.Qualifier
		}},
		{what: "DEV_PARTS_SET while running", mustFail: "DP-DEV-04", send: func(g *harness.Rig) (spec.Status, spec.Qualifier) {
			c := g.PartsSet(devctx.EncodeParts([]devctx.Part{devctx.NewVQPart(spec.PartVQCfg, 0, make([]byte, 32))}))
			return c.Status, c.Qualifier
		}},
		{what: "DEV_PARTS_SET (stopped) of a 31-byte VQ_CFG part", stopped: true, mustFail: "DP-DEV-05", send: func(g *harness.Rig) (spec.Status, spec.Qualifier) {
			c := g.PartsSet(devctx.EncodeParts([]devctx.Part{devctx.NewVQPart(spec.PartVQCfg, 0, make([]byte, 31))}))
			return c.Status, c.Qualifier
		}},
		{what: "DEV_PARTS_SET (stopped) whose part header is cut short", stopped: true, mustFail: "DP-DEV-05", send: func(g *harness.Rig) (spec.Status, spec.Qualifier) {
			parts := devctx.EncodeParts([]devctx.Part{devctx.NewVQPart(spec.PartVQCfg, 0, make([]byte, 32))})
			c := g.PartsSet(parts[:5])
			return c.Status, c.Qualifier
		}},
	}
}

// refusalQualifiers sends each refusal to a live member in the mode it
// names: a success breaks the refusal's requirement, if any; an EINVAL
// must carry one of EINVAL's qualifiers (a failure naming no requirement,
// check CheckQualifier); another failure status is accepted, as the
// requirements only say the command fails.
func refusalQualifiers(c *harness.Check) {
	for _, r := range refusals() {
		g, _ := c.Live()
		if r.stopped {
			g.MustMode(spec.ModeStop)
		}
		st, q := r.send(g)
		switch {
		case st == spec.StatusOK && r.mustFail != "":
			c.Errorf(r.mustFail, "%s: status OK, want a failure (EINVAL/INVALID_FIELD, as docs/device-protocol.md lists it)", r.what)
		case st == spec.StatusEINVAL && (q < spec.QInvalidCommand || q > spec.QInvalidMember):
			c.Fails = append(c.Fails, Failure{Check: CheckQualifier, Message: r.what + ": EINVAL with qualifier " + q.String() +
				", none of EINVAL's (INVALID_COMMAND … INVALID_MEMBER; the reference answers INVALID_FIELD)"})
		}
	}
}
