package conformance_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/spec"
)

// outsideCatalog is why a gave-up finding the run without migration
// shares, on nothing the row's requirements state, charges none.
const outsideCatalog = "the device fails the guest whatever the migration does: behaviour outside the catalog's requirements"

// TestUnchargedFailuresInEveryView: a device whose every FLUSH fails
// (fails-flush) makes the guest give up with and without migration
// alike on the rows of inflight-descriptors-at-stop, which breaks basic
// virtio-blk, no requirement of the catalog; one that drops its
// interrupts (drops-interrupts) hangs smoke-migrate's guest alike. Each
// row fails charging no requirement, so no requirement's verdict is
// Fail, and every view of the report shows those failures apart: the
// text summary line counts them and the requirement table ends with a
// "(none)" Fail line naming each unit and why, the JSON report lists
// them as "uncharged" with the reason, JUnit has a failed "(none)"
// testcase in the requirements suite, a Go test a failed "uncharged"
// subtest; the run fails. The reference device shows none of it.
func TestUnchargedFailuresInEveryView(t *testing.T) {
	for _, tc := range []struct {
		device, scenario string
		editions         []spec.Edition
		// units are the failed units, each charging nothing; summary
		// counts them.
		units   []string
		summary string
	}{
		{"builtin:mutant/fails-flush", "inflight-descriptors-at-stop", nil, []string{
			"inflight-descriptors-at-stop/draft-2023",
			"inflight-descriptors-at-stop/virtio-1.4",
			"inflight-descriptors-at-stop/draft-2023/reexec=all",
		}, "3 failures of 3 units charge no requirement of the catalog"},
		{"builtin:mutant/drops-interrupts", "smoke-migrate", []spec.Edition{spec.Draft2023}, []string{
			"smoke-migrate/draft-2023",
		}, "1 failure of 1 unit charges no requirement of the catalog"},
		{"builtin:blk", "inflight-descriptors-at-stop", nil, nil, ""},
	} {
		t.Run(tc.device, func(t *testing.T) {
			var text, js, junit strings.Builder
			opts := []conformance.Option{conformance.Short(), conformance.Parts(false, true), conformance.Scenarios(tc.scenario),
				conformance.ReplayDir(t.TempDir()), conformance.WriteReport("text", &text), conformance.WriteReport("json", &js),
				conformance.WriteReport("junit", &junit)}
			if tc.editions != nil {
				opts = append(opts, conformance.Editions(tc.editions...))
			}
			rec := conformance.NewRecorder("kit")
			rep := conformance.RunDevice(rec, builtinDevice(t, tc.device), opts...)
			require.NotNil(t, rep)
			assert.Empty(t, rep.FailedRequirements(), "the failures charge no requirement")
			var failed, listed []string
			for _, u := range rep.Units {
				if u.Verdict == "fail" {
					failed = append(failed, u.Name)
				}
			}
			for _, f := range rep.Uncharged {
				listed = append(listed, f.Row)
				assert.Empty(t, f.Requirements, f.Row)
				assert.Equal(t, outsideCatalog, f.Uncharged, f.Row)
			}
			assert.Equal(t, tc.units, failed, "the failed units")
			assert.Equal(t, tc.units, listed, "the uncharged failures")
			assert.Equal(t, tc.units != nil, rep.Failed(), "the run fails")

			// Text: the summary line, and the table's last line with one
			// line per failure.
			first, _, _ := strings.Cut(text.String(), "\n")
			table := text.String()[strings.Index(text.String(), "\nREQUIREMENT "):]
			table, _, _ = strings.Cut(table[1:], "\n\n")
			if tc.units == nil {
				assert.NotContains(t, first, "no requirement")
				assert.NotContains(t, table, "(none)")
				assert.NotContains(t, text.String(), "charge no requirement")
			} else {
				assert.True(t, strings.HasSuffix(first, "; "+tc.summary), first)
				want := "(none)         -      Fail        " + tc.summary + ":\n"
				for _, u := range tc.units {
					want += "  " + u + ": " + outsideCatalog + "\n"
				}
				assert.True(t, strings.HasSuffix(table+"\n", "\n"+want), "the table ends with the uncharged failures:\n%s", table)
			}

			// JSON: the failures apart, with why, and on each unit's.
			var doc struct {
				Uncharged []struct {
					Unit         string   `json:"unit"`
					Requirements []string `json:"requirements"`
					Uncharged    string   `json:"uncharged"`
				} `json:"uncharged"`
				Units []struct {
					Failures []struct {
						Uncharged string `json:"uncharged"`
					} `json:"failures"`
				} `json:"units"`
			}
			require.NoError(t, json.Unmarshal([]byte(js.String()), &doc))
			var jsUnits []string
			for _, f := range doc.Uncharged {
				jsUnits = append(jsUnits, f.Unit)
				assert.Equal(t, []string{}, f.Requirements, f.Unit)
				assert.Equal(t, outsideCatalog, f.Uncharged, f.Unit)
			}
			assert.Equal(t, tc.units, jsUnits, "JSON uncharged")
			reasons := 0
			for _, u := range doc.Units {
				for _, f := range u.Failures {
					if f.Uncharged != "" {
						reasons++
					}
				}
			}
			assert.Equal(t, len(tc.units), reasons, "JSON: the units' failures say why they charge none")

			// JUnit: a failed testcase of the requirements suite.
			var suites struct {
				Suites []struct {
					Name     string `xml:"name,attr"`
					Failures int    `xml:"failures,attr"`
					Cases    []struct {
						Name    string `xml:"name,attr"`
						Failure *struct {
							Message string `xml:"message,attr"`
							Text    string `xml:",chardata"`
						} `xml:"failure"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			require.NoError(t, xml.Unmarshal([]byte(junit.String()), &suites))
			require.Equal(t, "requirements", suites.Suites[0].Name)
			reqs := suites.Suites[0]
			last := reqs.Cases[len(reqs.Cases)-1]
			if tc.units == nil {
				assert.NotEqual(t, "(none)", last.Name)
				assert.Zero(t, reqs.Failures)
			} else {
				assert.Equal(t, "(none)", last.Name)
				assert.Equal(t, 1, reqs.Failures, "the requirements suite fails on them alone")
				if assert.NotNil(t, last.Failure) {
					assert.Equal(t, tc.summary, last.Failure.Message)
					for _, u := range tc.units {
						assert.Contains(t, last.Failure.Text, "charges no requirement: "+outsideCatalog+"\n"+u+": oracle gave-up ")
					}
				}
			}

			// A Go test: the subtest "uncharged" fails, no requirement's.
			var failedReqs, uncharged []string
			for _, name := range rec.FailedLeaves() {
				if id, ok := strings.CutPrefix(name, "kit/requirements/"); ok {
					failedReqs = append(failedReqs, id)
				}
				if name == "kit/uncharged" {
					uncharged = append(uncharged, name)
				}
			}
			assert.Empty(t, failedReqs)
			assert.Equal(t, tc.units != nil, len(uncharged) == 1, "the subtest uncharged fails: %v", rec.FailedLeaves())
		})
	}
}
