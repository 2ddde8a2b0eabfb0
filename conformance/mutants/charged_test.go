package mutants_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// charge is what the kit charges when it judges the catching row of a
// mutant the transparent oracle catches (catches).
type charge struct {
	// oracle is the oracle of the row's failure in the kit (its short
	// budget): transparent, or gave-up when the kit's first finding is
	// the guest giving up.
	oracle string
	// reqs are the requirements the failure charges; by is how
	// (Failure.Charged): "first difference" or "row's triggers".
	reqs []string
	by   string
	// breaks is the requirement the mutant breaks, which the failure must
	// charge; empty when the row's triggers do not list it, and gap says
	// which requirement that is and why it is not charged.
	breaks, gap string
}

// transparentCharges lists every mutant catches has the transparent
// oracle catch.
var transparentCharges = map[string]charge{
	"drops-pending-doorbell-at-stop": {"transparent", []string{"DRAFT-CTX-01"}, "row's triggers", "",
		"DRAFT-STOP-03 (a device in Stop accepts notifications): the counterexample's doorbell reaches the device before the stop, which loses it, so no notification reaches the stopped member and the run does not involve it; draft-2023 names no requirement of its own for a doorbell latched at the move to Stop, and the charge is DRAFT-CTX-01, the queue state the context carries"},
	"resume-without-avail-poll":    {"transparent", []string{"DP-DEV-09", "DP-DEV-10"}, "row's triggers", "DP-DEV-10", ""},
	"reads-zero-before-reset-done": {"gave-up", []string{"PCI-DEV-03"}, "", "PCI-DEV-03", ""},
	"writes-back-after-stop-reply": {"transparent", []string{"DRAFT-CTX-01"}, "row's triggers", "",
		"no draft-2023 statement makes a stop write back the requests the device finished (virtio-1.4's DP-DEV-09 does); DRAFT-CTX-01, the queue state the context carries, is what the guest reads wrong"},
	"loses-held-config-irq": {"transparent", []string{"DRAFT-STOP-03", "DRAFT-CTX-01"}, "row's triggers", "DRAFT-STOP-03", ""},
	"loses-latched-doorbell": {"transparent", []string{"DRAFT-CTX-01"}, "row's triggers", "",
		"DRAFT-STOP-03 (a device in Stop accepts notifications): the counterexample's doorbell is latched at the move to Stop, not received in Stop, so the run does not involve it; what the destination misses is the latched doorbell the context carries, DRAFT-CTX-01"},
	"rewinds-last-avail-on-restore": {"transparent", []string{"DRAFT-CTX-01"}, "row's triggers", "DRAFT-CTX-01", ""},
	"wrong-used-idx-on-restore":     {"transparent", []string{"DRAFT-CTX-01"}, "row's triggers", "DRAFT-CTX-01", ""},
	"completes-twice-after-resume":  {"transparent", []string{"DP-DEV-09"}, "row's triggers", "DP-DEV-09", ""},
	// No request reaches the stopped member, so DP-DEV-10 is not
	// involved; the configuration the guest reads comes wrong from the
	// values the DEV_PARTS_SET carried (difference.go, singledOut).
	"acks-state-without-applying": {"transparent", []string{"DP-DEV-08"}, "first difference", "DP-DEV-08", ""},
	"msix-vector-lost-on-restore": {"transparent", []string{"DP-DEV-09"}, "row's triggers", "",
		"DP-DEV-08 (the queues' MSI-X vectors set take effect at resume): the first difference, no configuration read, does not single it out (inflight-descriptors-at-stop does not list it either)"},
	// The destination steers by the maximum, not by the pairs the
	// DEV_PARTS_SET wrote: a value set that does not take effect at the
	// resume.
	"restores-max-pairs": {"transparent", []string{"DP-DEV-08"}, "first difference", "DP-DEV-08", ""},
	"forgets-mac-table-on-restore": {"transparent", []string{"DP-DEV-09"}, "row's triggers", "",
		"the MAC table part's restore (NET-PART-02), which the failure lists as involved, not charged: no rule of the first difference speaks of a device part; the device test NET-PART-02/virtio-1.4/net-mac-table-round-trip fails on it"},
}

// TestTransparentFindingCharges runs the kit on the catching row of every
// mutant the transparent oracle catches: its failure shows the first
// guest-visible difference (the entry the oracle's message names, with
// both lines) in the text, JSON and JUnit reports, and charges the
// requirements its first difference singles out (docs/conformance.md,
// "What a failed row charges") — the one the mutant breaks among
// them.
func TestTransparentFindingCharges(t *testing.T) {
	for _, c := range catches {
		if c.oracle != "transparent" {
			continue
		}
		want, ok := transparentCharges[c.mutant]
		if !assert.True(t, ok, "%s: no expected charge", c.mutant) {
			continue
		}
		t.Run(c.mutant, func(t *testing.T) {
			m, ok := mutants.Lookup(c.mutant)
			require.True(t, ok)
			d := conformance.FactoryDevice(c.mutant, m.Factory(blk.New))
			if m.Device == mutants.DeviceNet {
				d = conformance.NetFactoryDevice(c.mutant, m.Factory(membernet.New))
			}
			var txt, js, junit strings.Builder
			rep, err := conformance.Check(d, conformance.Short(), conformance.Parts(false, true),
				conformance.Scenarios(c.scenario), conformance.Editions(c.edition), conformance.ReplayDir(t.TempDir()),
				conformance.WriteReport("text", &txt), conformance.WriteReport("json", &js), conformance.WriteReport("junit", &junit))
			require.NoError(t, err)
			name := c.scenario + "/" + c.edition.String()
			if len(c.knobs) > 0 {
				name += "/" + strings.Join(c.knobs, ",")
			}
			u, ok := rep.Unit(name)
			require.True(t, ok, name)
			require.Equal(t, "fail", u.Verdict, name)
			require.Len(t, u.Failures, 1)
			f := u.Failures[0]
			assert.Equal(t, want.oracle, f.Oracle)
			assert.Equal(t, want.reqs, f.Requirements)
			if want.breaks != "" {
				assert.Contains(t, f.Requirements, want.breaks, "the requirement the mutant breaks")
			} else {
				assert.NotEmpty(t, want.gap, "a mutant whose requirement is not charged says why")
			}
			if want.oracle != "transparent" {
				assert.Nil(t, f.Difference, "only a transparent finding has a first difference")
				assert.Empty(t, f.Charged)
				return
			}
			require.NotNil(t, f.Difference)
			diff := f.Difference
			// The entry the oracle's message names, with both lines.
			assert.Contains(t, f.Message, fmt.Sprintf("entry %d of its log is %s, without migration %s",
				diff.Entry, strconv.Quote(diff.Migrated), strconv.Quote(diff.WithoutMigration)))
			assert.True(t, strings.HasPrefix(f.Charged, "by the "+want.by), "charged %q", f.Charged)
			line := fmt.Sprintf("first difference: entry %d: migrated %q, without migration %q", diff.Entry, diff.Migrated, diff.WithoutMigration)
			assert.Contains(t, txt.String(), line, "text")
			assert.Contains(t, txt.String(), "charged "+f.Charged, "text")
			assert.Contains(t, junit.String(), fmt.Sprintf("first difference: entry %d: migrated", diff.Entry), "junit")
			var doc struct {
				Units []struct {
					Name     string `json:"name"`
					Failures []struct {
						First *struct {
							Entry            int    `json:"entry"`
							Migrated         string `json:"migrated"`
							WithoutMigration string `json:"without_migration"`
						} `json:"first_difference"`
						Charged string `json:"charged"`
					} `json:"failures"`
				} `json:"units"`
			}
			require.NoError(t, json.Unmarshal([]byte(js.String()), &doc))
			for _, ju := range doc.Units {
				if ju.Name == name {
					require.Len(t, ju.Failures, 1)
					require.NotNil(t, ju.Failures[0].First, "json")
					assert.Equal(t, diff.Entry, ju.Failures[0].First.Entry, "json")
					assert.Equal(t, diff.Migrated, ju.Failures[0].First.Migrated, "json")
					assert.Equal(t, diff.WithoutMigration, ju.Failures[0].First.WithoutMigration, "json")
					assert.Equal(t, f.Charged, ju.Failures[0].Charged, "json")
				}
			}
		})
	}
}
