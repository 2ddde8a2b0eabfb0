package devicetest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// TestLatchDroppedOnBothReferences runs the FLR and reset tests of state
// written while quiesced on the reference virtio-blk and virtio-net
// members (the kit runs its device tests on virtio-blk devices only; these
// drive no request, so a net member takes them too): both pass. Each
// mutant of FLR, reset and written state fails the tests of its bug in
// both editions, with the test's requirement, and passes the others.
func TestLatchDroppedOnBothReferences(t *testing.T) {
	devices := []struct {
		name string
		f    member.Factory
	}{{"blk", blk.New}, {"net", membernet.New}}
	flr := []string{"flr-drops-set-parts", "flr-drops-set-parts-keep", "flr-drops-set-parts-defer",
		"flr-drops-written-context", "flr-drops-written-context-keep", "flr-drops-written-context-defer"}
	wrappers := []struct {
		mutant string
		fails  []string // the tests the mutant fails
	}{
		{"", nil},
		{"keeps-latched-state-across-flr", flr},
		{"keeps-latched-state-across-reset", []string{"reset-drops-set-parts", "reset-drops-written-context"}},
		{"drops-write-held-by-flr", []string{"set-held-by-flr-applies-after", "write-held-by-flr-applies-after"}},
	}
	for _, dev := range devices {
		for _, w := range wrappers {
			f := dev.f
			if w.mutant != "" {
				m, ok := mutants.Lookup(w.mutant)
				if !assert.True(t, ok, w.mutant) {
					continue
				}
				f = m.Factory(dev.f)
			}
			for _, dt := range flrLatchTests() {
				for _, e := range spec.Editions {
					if !dt.AppliesTo(e) {
						continue
					}
					rules, err := spec.ParseRules(e, dt.knobs)
					if !assert.NoError(t, err) {
						continue
					}
					c := runCheck(dt, e, rules, f, extdevice.TypeBlk)
					unit := dev.name + " " + w.mutant + " " + dt.id + "/" + e.String() + "/" + dt.name
					if !slices.Contains(w.fails, dt.name) {
						assert.Empty(t, c.Fails, unit)
						continue
					}
					if assert.NotEmpty(t, c.Fails, unit) {
						for _, fl := range c.Fails {
							assert.Equal(t, []string{dt.id}, fl.Requirements, unit)
						}
					}
				}
			}
		}
	}
}
