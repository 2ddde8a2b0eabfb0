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
	"drops-pending-doorbell-at-stop": {"transparent", []string{"DRAFT-STOP-03", "DRAFT-CTX-01"}, "row's triggers", "DRAFT-STOP-03", ""},
	"resume-without-avail-poll":      {"transparent", []string{"DP-DEV-09", "DP-DEV-10"}, "row's triggers", "DP-DEV-10", ""},
	"reads-zero-before-reset-done":   {"gave-up", []string{"PCI-DEV-03"}, "", "PCI-DEV-03", ""},
	"writes-back-after-stop-reply": {"transparent", []string{"DRAFT-CTX-01"}, "first difference", "",
		"no draft-2023 statement makes a stop write back the requests the device finished (virtio-1.4's DP-DEV-09 does); DRAFT-CTX-01, the queue state the context carries, is what the guest reads wrong"},
	"loses-held-config-irq":         {"transparent", []string{"DRAFT-STOP-03", "DRAFT-CTX-01"}, "row's triggers", "DRAFT-STOP-03", ""},
	"loses-latched-doorbell":        {"transparent", []string{"DRAFT-STOP-03", "DRAFT-CTX-01"}, "row's triggers", "DRAFT-STOP-03", ""},
	"rewinds-last-avail-on-restore": {"transparent", []string{"DRAFT-CTX-01"}, "first difference", "DRAFT-CTX-01", ""},
	"wrong-used-idx-on-restore":     {"transparent", []string{"DRAFT-CTX-01"}, "first difference", "DRAFT-CTX-01", ""},
	"completes-twice-after-resume":  {"transparent", []string{"DP-DEV-09"}, "first difference", "DP-DEV-09", ""},
	"acks-state-without-applying": {"transparent", []string{"DP-DEV-10"}, "first difference", "",
		"DP-DEV-08 (SET values take effect when the member resumes), which kick-during-stop does not list"},
	"msix-vector-lost-on-restore": {"transparent", []string{"DP-DEV-09", "DP-DEV-10"}, "row's triggers", "",
		"DP-DEV-08 (the queues' MSI-X vectors set take effect at resume), which inflight-descriptors-at-stop does not list"},
	"forgets-mac-table-on-restore": {"transparent", []string{"DP-DEV-09", "DP-DEV-10"}, "row's triggers", "",
		"the MAC table part's restore (NET-PART-02), which the row lists but the exploration's finding, which carries the transparent oracle's requirements, does not; its replay names it, and the device test NET-PART-02/virtio-1.4/net-mac-table-round-trip fails on it"},
}

// TestTransparentFindingCharges runs the kit on the catching row of every
// mutant the transparent oracle catches: its failure shows the first
// guest-visible difference (the entry the oracle's message names, with
// both lines) in the text, JSON and JUnit reports, and charges the
// requirements its first difference singles out (docs/conformance.md,
// "What a transparent failure charges") — the one the mutant breaks among
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
