package mutants

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Bugs in the device's account of itself: it behaves, but says otherwise.

var reportsActiveWhileStopped = Mutant{
	Name:     "reports-active-while-stopped",
	Doc:      "stops as asked but its status keeps saying Active (running)",
	Editions: bothEditions,
	Wrap: func(_ member.Config, d member.Device) member.Device {
		return &claimsActive{Device: d}
	},
}

type claimsActive struct{ member.Device }

func (d *claimsActive) Status() member.Status {
	s := d.Device.Status()
	s.Mode = spec.ModeActive
	return s
}

var digestUnstable = Mutant{
	Name:     "digest-unstable",
	Doc:      "mixes a counter into its context digest, so the digest moves although nothing a read returns does",
	Editions: bothEditions,
	Wrap: func(_ member.Config, d member.Device) member.Device {
		return &movingDigest{Device: d}
	},
}

type movingDigest struct {
	member.Device
	n uint64
}

func (d *movingDigest) ContextDigest() uint64 {
	d.n++
	return d.Device.ContextDigest() ^ d.n
}

var digestStale = Mutant{
	Name:     "digest-stale",
	Doc:      "keeps the first context digest it computed and reports it ever after, so the digest stays put when its context changes",
	Editions: bothEditions,
	Wrap: func(_ member.Config, d member.Device) member.Device {
		return &staleDigest{Device: d}
	},
}

// staleDigest caches its first digest: a device that computes the digest
// once (at its first read, say) and never again.
type staleDigest struct {
	member.Device
	digest uint64
	known  bool
}

func (d *staleDigest) ContextDigest() uint64 {
	if !d.known {
		d.digest, d.known = d.Device.ContextDigest(), true
	}
	return d.digest
}
