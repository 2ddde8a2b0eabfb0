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

// TestChecksCatchPlantedBugs runs the device tests of a failed SET's side
// effects, a short DEV_PARTS_GET buffer, MSI-X masking, MSI-X Enable and
// Function Mask and an FLR's reset of the MSI-X table and of Message
// Control on the reference virtio-blk and virtio-net members (the guest's
// work is a block request on one, a transmitted frame on the other): both
// pass. Each mutant of those bugs fails exactly the tests of its bug, in
// every edition they run in, with their requirement, and passes the others.
func TestChecksCatchPlantedBugs(t *testing.T) {
	const (
		failedSet = "DP-DEV-08/failed-set-no-side-effects"
		getCap    = "AVQ-DEV-01/parts-get-result-cap"
		masked    = "PCI-DEV-04/masked-vector-held-pending"
		flrTable  = "PCI-DEV-05/flr-resets-msix-table"
		flrCtl    = "PCI-DEV-07/flr-clears-msix-control"
	)
	// MSI-X Enable and Function Mask, for either event that interrupts.
	var disabled, fnMasked []string
	for _, ev := range []string{"completion", "config-change"} {
		disabled = append(disabled, "PCI-DEV-07/msix-disabled-drops-"+ev)
		fnMasked = append(fnMasked, "PCI-DEV-07/function-mask-holds-"+ev)
	}
	byName := map[string]Test{}
	for _, dt := range All() {
		byName[dt.id+"/"+dt.name] = dt
	}
	names := slices.Concat([]string{failedSet, getCap, masked, flrTable, flrCtl}, disabled, fnMasked)
	devices := []struct {
		name, typ string
		f         member.Factory
	}{
		{"blk", extdevice.TypeBlk, blk.New},
		{"net", extdevice.TypeNet, membernet.New},
	}
	wrappers := []struct {
		mutant string
		fails  []string
	}{
		{"", nil},
		{"applies-part-of-failed-set", []string{failedSet}},
		{"parts-get-ignores-result-cap", []string{getCap}},
		{"sends-masked-msix", []string{masked}},
		{"keeps-msix-table-across-flr", []string{flrTable}},
		{"ignores-msix-enable", disabled},
		{"ignores-msix-function-mask", fnMasked},
		{"keeps-msix-control-across-flr", []string{flrCtl}},
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
			for _, name := range names {
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
					c := runCheck(dt, e, spec.DefaultRules(e), f, dev.typ)
					unit := dev.name + " " + w.mutant + " " + dt.Unit(e)
					if !slices.Contains(w.fails, name) {
						assert.Empty(t, c.Fails, unit)
						continue
					}
					if assert.NotEmpty(t, c.Fails, unit) {
						for _, fl := range c.Fails {
							assert.Equal(t, []string{dt.id}, fl.Requirements, "%s: %s", unit, fl.Message)
						}
					}
				}
				assert.True(t, ran, name)
			}
		}
	}
}
