package spectable

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

func TestLookup(t *testing.T) {
	oracles := []OracleReqs{
		{Name: "wire", Reqs: []string{"DP-DEV-09", "DRAFT-CTX-01"}},
		{Name: "live"},
		{Name: "transparent", Reqs: []string{"DP-DEV-09"}},
	}
	row := func(ed spec.Edition, v scenario.Verdict, oracle string, knobs ...string) scenario.Expectation {
		return scenario.Expectation{Edition: ed, Verdict: v, Oracle: oracle, Knobs: knobs}
	}
	scens := []*scenario.Scenario{
		{Name: "both", Question: 6, Requirements: []string{"DP-DEV-09", "DRAFT-CTX-01"}, Expect: []scenario.Expectation{
			row(spec.Draft2023, scenario.VerdictPass, ""),
			row(spec.Virtio14, scenario.VerdictViolation, "transparent", "pending-work=drop"),
		}},
		{Name: "draft-rows-only", Requirements: []string{"DP-DEV-09"}, Expect: []scenario.Expectation{
			row(spec.Draft2023, scenario.VerdictPass, ""),
		}},
		{Name: "names-nothing", Expect: []scenario.Expectation{row(spec.Virtio14, scenario.VerdictPass, "")}},
	}
	tests := []struct {
		name    string
		ids     []string
		ed      spec.Edition
		oracles [][]string
		scenes  [][]CheckedByScene
		err     string
	}{
		{name: "rows under the requirement's editions only", ids: []string{"DP-DEV-09"},
			oracles: [][]string{{"wire", "transparent"}},
			scenes:  [][]CheckedByScene{{{Name: "both", Question: 6, Rows: []string{"virtio-1.4 pending-work=drop violation transparent"}}}}},
		{name: "case ignored, two IDs", ids: []string{"draft-ctx-01", "DP-DEV-13"},
			oracles: [][]string{{"wire"}, {}},
			scenes:  [][]CheckedByScene{{{Name: "both", Question: 6, Rows: []string{"draft-2023 pass"}}}, {}}},
		{name: "--spec leaves out the other edition's rows", ids: []string{"DRAFT-CTX-01"}, ed: spec.Virtio14,
			oracles: [][]string{{"wire"}}, scenes: [][]CheckedByScene{{}}},
		{name: "near miss", ids: []string{"DP-DEV-9"}, err: `no requirement "DP-DEV-9"; did you mean DP-DEV-09?`},
		{name: "punctuation left out", ids: []string{"dpdev13"}, err: `did you mean DP-DEV-13?`},
		{name: "one-digit number", ids: []string{"DP-DEV-1"}, err: `no requirement "DP-DEV-1"; did you mean DP-DEV-01?`},
		{name: "an edition", ids: []string{"virtio-1.4"}, err: `(an edition: --spec virtio-1.4)`},
		{name: "nothing near", ids: []string{"DP-DEV-13", "BOGUS"}, err: `no requirement "BOGUS" (migsim spec lists the`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Lookup(tt.ids, tt.ed, oracles, scens)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, len(tt.ids))
			for i, c := range got {
				r, ok := spec.LookupRequirement(c.ID)
				require.True(t, ok)
				assert.Equal(t, requirementOf(r), c.Requirement)
				assert.Equal(t, tt.oracles[i], c.Oracles, "%s oracles", c.ID)
				assert.Equal(t, tt.scenes[i], c.Scenarios, "%s scenarios", c.ID)
			}
		})
	}
}

func TestWriteChecked(t *testing.T) {
	cs := []Checked{
		{Requirement: Requirement{ID: "DP-DEV-09", Level: "MUST", Side: "device", Editions: []string{"virtio-1.4"}, Text: "t", Source: "s"},
			Oracles: []string{"wire"}, Scenarios: []CheckedByScene{{Name: "a", Question: 6, Rows: []string{"virtio-1.4 pass"}}, {Name: "bcd", Rows: []string{"virtio-1.4 pass", "virtio-1.4 read=full pass"}}}},
		{Requirement: Requirement{ID: "X-01", Level: "MAY", Side: "driver", Editions: []string{"draft-2023", "virtio-1.4"}, Text: "u", Source: "v"},
			Oracles: []string{}, Scenarios: []CheckedByScene{}},
	}
	var b bytes.Buffer
	require.NoError(t, WriteChecked(&b, cs, false))
	assert.Equal(t, `DP-DEV-09 (MUST, device, virtio-1.4)
  t
  source:  s
  oracles: wire
  catalog: the scenarios that name it, and their rows (migsim run NAME judges them)
    Q6   a    virtio-1.4 pass
    -    bcd  virtio-1.4 pass
    -    bcd  virtio-1.4 read=full pass

X-01 (MAY, driver, draft-2023, virtio-1.4)
  u
  source:  v
  oracles: none
  catalog: none (no catalog scenario names it on its requirements line and has a row under its editions)
`, b.String())
	b.Reset()
	require.NoError(t, WriteChecked(&b, cs, true))
	var back []Checked
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	assert.Equal(t, cs, back)
}
