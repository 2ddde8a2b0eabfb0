package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/spec"
)

// TestResetIRQAndQualifierChecks runs the device tests of a reset in
// progress, a configuration change in Stop and the EINVAL qualifiers on
// the reference virtio-blk and virtio-net, each as its own device type
// (a virtio-net device's configuration change is its link going down):
// both pass. The mutant of each bug fails its test in every edition the
// test runs in, with the test's requirement (the qualifier's with check
// CheckQualifier and none), and passes the other two.
func TestResetIRQAndQualifierChecks(t *testing.T) {
	tests := map[string]string{ // mutant: the test it fails
		"reads-zero-before-reset-done":  "PCI-DEV-03/reset-reads-zero-only-when-done",
		"drops-config-irq-held-in-stop": "DRAFT-STOP-01/config-irq-held-until-resume",
		"drops-einval-qualifier":        "ADM-DEV-02/refusals-einval-qualifier",
	}
	byName := map[string]Test{}
	for _, dt := range All() {
		byName[dt.id+"/"+dt.name] = dt
	}
	for _, dev := range referenceDevices {
		for _, mutant := range []string{"", "reads-zero-before-reset-done", "drops-config-irq-held-in-stop", "drops-einval-qualifier"} {
			f := dev.f
			if mutant != "" {
				m, ok := mutants.Lookup(mutant)
				require.True(t, ok, mutant)
				f = m.Factory(dev.f)
			}
			for _, name := range []string{tests["reads-zero-before-reset-done"], tests["drops-config-irq-held-in-stop"], tests["drops-einval-qualifier"]} {
				dt, ok := byName[name]
				require.True(t, ok, name)
				for _, e := range spec.Editions {
					if !dt.AppliesTo(e) {
						continue
					}
					c := runCheck(dt, e, spec.DefaultRules(e), f, dev.typ)
					unit := dev.typ + " " + mutant + " " + dt.Unit(e)
					if tests[mutant] != name {
						assert.Empty(t, c.Fails, unit)
						continue
					}
					if !assert.NotEmpty(t, c.Fails, unit) {
						continue
					}
					for _, fl := range c.Fails {
						if mutant == "drops-einval-qualifier" {
							assert.Equal(t, CheckQualifier, fl.Check, "%s: %s", unit, fl.Message)
							assert.Empty(t, fl.Requirements, "%s: %s", unit, fl.Message)
							continue
						}
						assert.Equal(t, []string{dt.id}, fl.Requirements, "%s: %s", unit, fl.Message)
					}
				}
			}
		}
	}
}
