package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// TestChecksCatchPlantedBugs runs the device tests of a failed SET's side
// effects, a short DEV_PARTS_GET buffer, MSI-X masking and an FLR's reset
// of the MSI-X table on the reference virtio-blk and virtio-net members
// (virtio-net takes the tests that drive no request): both pass. Each
// mutant of those bugs fails exactly the test of its bug, in every edition
// the test runs in, with the test's requirement, and passes the others.
func TestChecksCatchPlantedBugs(t *testing.T) {
	const (
		failedSet = "DP-DEV-08/failed-set-no-side-effects"
		getCap    = "AVQ-DEV-01/parts-get-result-cap"
		masked    = "PCI-DEV-04/masked-vector-held-pending"
		flrTable  = "PCI-DEV-05/flr-resets-msix-table"
	)
	byName := map[string]Test{}
	for _, dt := range All() {
		byName[dt.id+"/"+dt.name] = dt
	}
	names := []string{failedSet, getCap, masked, flrTable}
	devices := []struct {
		name string
		f    member.Factory
		runs []string
	}{
		{"blk", blk.New, names},
		{"net", membernet.New, []string{failedSet, getCap, flrTable}},
	}
	wrappers := []struct{ mutant, fails string }{
		{"", ""},
		{"applies-part-of-failed-set", failedSet},
		{"parts-get-ignores-result-cap", getCap},
		{"sends-masked-msix", masked},
		{"keeps-msix-table-across-flr", flrTable},
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
			for _, name := range dev.runs {
				dt, ok := byName[name]
				if !assert.True(t, ok, name) {
					continue
				}
				ran := false
				for _, e := range spec.Editions {
					if !dt.AppliesTo(e) {
						continue
					}
					ran = true
					c := runCheck(dt, e, spec.DefaultRules(e), f, extdevice.TypeBlk)
					unit := dev.name + " " + w.mutant + " " + dt.Unit(e)
					if name != w.fails {
						assert.Empty(t, c.fails, unit)
						continue
					}
					if assert.NotEmpty(t, c.fails, unit) {
						for _, fl := range c.fails {
							assert.Equal(t, []string{dt.id}, fl.Requirements, "%s: %s", unit, fl.Message)
						}
					}
				}
				assert.True(t, ran, name)
			}
		}
	}
}
