package conformance_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
)

// TestGuestGaveUpWithoutMigration: a device that answers the guest's MAC
// table command with an error in every run (the naks-mac-table mutant)
// gives the same guest log with and without migration, so the
// transparency oracle sees nothing, but the guest gave up on the command
// in both: the catalog's judgement of net-mac-table-before-stop fails the
// row with the gave-up oracle, on the row's requirement about the command
// (NET-DEV-06) only, with the guest's line, in the text, JSON and JUnit reports. The reference passes.
func TestGuestGaveUpWithoutMigration(t *testing.T) {
	const line = "vcpu0: FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1: ack 1"
	const text = "the guest gave up on ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1 (failed status): " + line +
		", and without migration too: the device fails the guest whatever the migration does"
	m, ok := mutants.Lookup("naks-mac-table")
	require.True(t, ok)
	for _, tc := range []struct {
		name  string
		f     member.Factory
		fails map[string][]string // failing unit: its failure's requirements
	}{
		{"reference", membernet.New, nil},
		{"naks-mac-table", m.Factory(membernet.New), map[string][]string{
			// Of the row's requirements, the one about the command the
			// guest gave up on, without migration too: not draft-2023's
			// NET_CVQ statement (DRAFT-CTX-09) nor virtio-1.4's parts ones
			// (NET-PART-01, -02), which no run without migration
			// exercises, nor NET-DEV-07, the filtering of received frames.
			"net-mac-table-before-stop/draft-2023": {"NET-DEV-06"},
			"net-mac-table-before-stop/virtio-1.4": {"NET-DEV-06"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var txt, js, junit strings.Builder
			rep, err := conformance.Check(conformance.NetFactoryDevice(tc.name, tc.f), conformance.Short(),
				conformance.Scenarios("net-mac-table-before-stop"), conformance.ReplayDir(t.TempDir()),
				conformance.WriteReport("text", &txt), conformance.WriteReport("json", &js), conformance.WriteReport("junit", &junit))
			require.NoError(t, err)
			got := map[string][]string{}
			for _, u := range rep.Units {
				// The device tests of the control queue fail the nak
				// too, on NET-DEV-06 (package devicetest's tests and
				// TestMutantsCaughtByDeviceTests judge them): this is
				// about the rows.
				if u.Verdict != "fail" || u.Kind != "row" {
					continue
				}
				// The only failure: the catalog's judgement of the row.
				if assert.Len(t, u.Failures, 1, u.Name) {
					f := u.Failures[0]
					assert.Equal(t, "catalog row", f.Check, u.Name)
					assert.Equal(t, "gave-up", f.Oracle, u.Name)
					assert.Contains(t, f.Message, text, u.Name)
					got[u.Name] = f.Requirements
				}
			}
			if tc.fails == nil {
				assert.Empty(t, got)
				assert.False(t, rep.Failed())
				return
			}
			assert.Equal(t, tc.fails, got)
			// The others the rows exercise are not judged by them: the
			// units failed on NET-DEV-06. DRAFT-CTX-09, NET-PART-01 and
			// NET-PART-02 pass by the device tests (the multiqueue round
			// trip sets no MAC table); NET-DEV-07 has none.
			assert.Equal(t, []string{"NET-DEV-06"}, rep.FailedRequirements())
			for _, q := range rep.Requirements {
				switch q.ID {
				case "NET-DEV-07":
					assert.Equal(t, "skip", q.Verdict, q.ID)
					assert.Contains(t, q.Why, "failed on NET-DEV-06, not on this requirement", q.ID)
				case "DRAFT-CTX-09", "NET-PART-01", "NET-PART-02":
					assert.Equal(t, "pass", q.Verdict, q.ID)
				}
			}
			assert.Contains(t, txt.String(), text)
			var doc struct {
				Units []struct {
					Name     string `json:"name"`
					Kind     string `json:"kind"`
					Failures []struct {
						Check   string `json:"check"`
						Message string `json:"message"`
					} `json:"failures"`
				} `json:"units"`
			}
			require.NoError(t, json.Unmarshal([]byte(js.String()), &doc))
			checks := 0
			for _, u := range doc.Units {
				if u.Kind != "row" {
					continue
				}
				for _, f := range u.Failures {
					assert.Equal(t, "catalog row", f.Check, u.Name)
					assert.Contains(t, f.Message, line, u.Name)
					checks++
				}
			}
			assert.Equal(t, 2, checks, "a failure per row in the JSON report")
			assert.Contains(t, junit.String(), `type="catalog row"`)
			assert.Contains(t, junit.String(), "the guest gave up on ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1 (failed status)")
		})
	}
}
