package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/internal/spectable"
	"github.com/migsim/migsim/spec"
)

// runSpecCLI runs migsim in-process and returns exit code, stdout and stderr.
func runSpecCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func specJSON(t *testing.T, args ...string) spectable.Doc {
	t.Helper()
	code, out, errOut := runSpecCLI(t, append([]string{"spec", "--format", "json"}, args...)...)
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	var d spectable.Doc
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&d))
	return d
}

func findSpecValue(vs []spectable.Value, name string) (spectable.Value, bool) {
	for _, v := range vs {
		if v.Name == name {
			return v, true
		}
	}
	return spectable.Value{}, false
}

func TestSpecJSONVirtio14Acceptance(t *testing.T) {
	d := specJSON(t, "--spec", "virtio-1.4")
	assert.Equal(t, "virtio-1.4", d.Edition)

	var modeSet *spectable.Opcode
	for i := range d.Opcodes {
		if d.Opcodes[i].Name == "DEV_MODE_SET" {
			modeSet = &d.Opcodes[i]
		}
	}
	require.NotNil(t, modeSet, "DEV_MODE_SET listed")
	assert.Equal(t, uint16(17), modeSet.Value)
	assert.Equal(t, "0x11", modeSet.Hex)
	assert.False(t, modeSet.SimulatorAssigned)

	cases := []struct {
		table string
		vs    []spectable.Value
		name  string
		value uint32
		hex   string
	}{
		{"statuses", d.Statuses, "EINVAL", 22, "0x16"},
		{"statuses", d.Statuses, "EEXIST", 17, "0x11"},
		{"qualifiers", d.Qualifiers, "INVALID_MEMBER", 5, "0x5"},
		{"part_types", d.PartTypes, "VQ_CFG", 0x104, "0x104"},
		{"groups", d.Groups, "SR-IOV", 1, "0x1"},
	}
	for _, c := range cases {
		v, ok := findSpecValue(c.vs, c.name)
		require.True(t, ok, "%s lists %s", c.table, c.name)
		assert.Equal(t, c.value, v.Value, "%s %s", c.table, c.name)
		assert.Equal(t, c.hex, v.Hex, "%s %s", c.table, c.name)
	}
	eexist, _ := findSpecValue(d.Statuses, "EEXIST")
	assert.Contains(t, eexist.Note, "Linux errno")
	assert.Empty(t, d.FieldTypes, "draft field types belong to draft-2023")
	assert.Len(t, d.Opcodes, len(spec.Virtio14.Opcodes()))
}

func TestSpecJSONIsStable(t *testing.T) {
	for _, args := range [][]string{{"spec", "--format", "json"}, {"spec"}, {"spec", "--format", "dot"}} {
		_, a, _ := runSpecCLI(t, args...)
		_, b, _ := runSpecCLI(t, args...)
		require.NotEmpty(t, a)
		assert.Equal(t, a, b, "%v", args)
	}
	_, out, _ := runSpecCLI(t, "spec", "--spec", "virtio-1.4", "--format", "json")
	assert.Less(t, strings.Index(out, `"edition"`), strings.Index(out, `"opcodes"`), "struct order")
	assert.Less(t, strings.Index(out, `"opcodes"`), strings.Index(out, `"requirements"`), "struct order")
	assert.Contains(t, out, `"name": "DEV_MODE_SET"`)
}

func TestSpecDraft2023ListsModesAndSimulatorAssigned(t *testing.T) {
	d := specJSON(t, "--spec", "draft-2023")
	var modes []string
	for _, m := range d.Modes {
		modes = append(modes, m.Name)
		assert.True(t, m.SimulatorAssigned, "%s", m.Name)
	}
	assert.Equal(t, []string{"Active", "Stop", "Freeze"}, modes)
	assert.Contains(t, d.ValuesNote, "simulator-assigned")
	for _, o := range d.Opcodes {
		assert.Equal(t, o.Value >= 7, o.SimulatorAssigned, "%s", o.Name)
	}
	assert.NotEmpty(t, d.FieldTypes)
	assert.Empty(t, d.PartTypes, "device parts belong to virtio-1.4")

	code, out, errOut := runSpecCLI(t, "spec", "--spec", "draft-2023")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	for _, want := range []string{"Active", "Stop", "Freeze", "simulator-assigned", "0x7*", "DEV_CTX_DISCARD",
		"PCI_COMMON_RUNTIME_CFG", "EEXIST", "INVALID_MEMBER", "DRAFT-FRZ-02", "transitions=all"} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "DP-DEV-13", "virtio-1.4 requirement in the draft catalog")
}

// TestSpecDraft2023ListsNetFields checks that the draft field types name
// the virtio-net device-type fields docs/spec.md and docs/context-format.md
// list, marked as virtio-net only.
func TestSpecDraft2023ListsNetFields(t *testing.T) {
	d := specJSON(t, "--spec", "draft-2023")
	byName := map[string]uint32{}
	for _, f := range d.FieldTypes {
		byName[f.Name] = f.Value
		if f.Name == "NET_CVQ" || f.Name == "NET_INFLIGHT" {
			assert.Contains(t, f.Note, "virtio-net only")
			assert.True(t, f.SimulatorAssigned)
		}
	}
	assert.Equal(t, uint32(0x1000), byName["NET_CVQ"])
	assert.Equal(t, uint32(0x1001), byName["NET_INFLIGHT"])
	assert.Equal(t, uint32(0x1000), byName["DEVICE_TYPE"], "the device-type range stays listed")
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "spec.md"))
	require.NoError(t, err)
	assert.Contains(t, string(doc), "virtio-net 0x1000 NET_CVQ, 0x1001 NET_INFLIGHT", "docs/spec.md lists what migsim spec prints")
}

func TestSpecWithoutEditionPrintsBoth(t *testing.T) {
	code, out, errOut := runSpecCLI(t, "spec")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	assert.Contains(t, out, "== edition draft-2023 ==")
	assert.Contains(t, out, "== edition virtio-1.4 ==")

	code, out, errOut = runSpecCLI(t, "spec", "--format", "json")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	var both struct {
		Editions []spectable.Doc `json:"editions"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &both))
	require.Len(t, both.Editions, 2)
	assert.Equal(t, "draft-2023", both.Editions[0].Edition)
	assert.Equal(t, "virtio-1.4", both.Editions[1].Edition)
}

func TestSpecRequirementCatalogPerEdition(t *testing.T) {
	for _, e := range spec.Editions {
		d := specJSON(t, "--spec", e.String())
		var got, want []string
		for _, r := range d.Requirements {
			got = append(got, r.ID)
			assert.Contains(t, r.Editions, e.String(), "%s", r.ID)
		}
		for _, r := range spec.RequirementsFor(e) {
			want = append(want, r.ID)
		}
		assert.Equal(t, want, got, "%s", e)
	}
}

func TestSpecKnobsChangeTheTable(t *testing.T) {
	d := specJSON(t, "--spec", "draft-2023", "--knob", "transitions=strict-chain", "--knob", "read=full")
	allowed := map[string]bool{}
	for _, tr := range d.Transitions {
		allowed[tr.From+">"+tr.To] = tr.Allowed
	}
	require.Len(t, allowed, 9)
	assert.False(t, allowed["Active>Freeze"])
	assert.False(t, allowed["Freeze>Active"])
	assert.True(t, allowed["Active>Stop"])
	assert.True(t, allowed["Freeze>Freeze"])
	knobs := map[string]spectable.Knob{}
	for _, k := range d.Knobs {
		knobs[k.Name] = k
	}
	require.Len(t, knobs, len(spec.KnobsFor(spec.Draft2023)))
	assert.Equal(t, []string{"cap-group"}, d.OtherKnobs)
	assert.Equal(t, "strict-chain", knobs["transitions"].Value)
	assert.Equal(t, "all", knobs["transitions"].Default)
	assert.Equal(t, "full", knobs["read"].Value)
	assert.Equal(t, "incremental-clear", knobs["read"].Default)

	d = specJSON(t, "--spec", "virtio-1.4")
	for _, k := range d.Knobs {
		assert.True(t, spec.CheckKnobApplies(spec.Virtio14, k.Name) == nil, "%s listed for virtio-1.4", k.Name)
	}
	assert.Equal(t, []string{"read", "freeze-notify", "transitions", "reexec"}, d.OtherKnobs)
}

func TestSpecUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--bogus"}, "unknown flag: --bogus"},
		{"unknown edition", []string{"--spec", "virtio-1.3"}, "draft-2023 or virtio-1.4"},
		{"unknown format", []string{"--format", "xml"}, `unknown format "xml"`},
		{"unknown knob", []string{"--knob", "speed=fast"}, `unknown knob "speed"`},
		{"bad knob value", []string{"--knob", "read=partial"}, "allowed: incremental-clear, full"},
		{"edition as an argument", []string{"virtio-1.4"}, `no requirement "virtio-1.4" (an edition: --spec virtio-1.4)`},
		{"unknown requirement", []string{"DP-DEV-09", "DP-DEV-99"}, `no requirement "DP-DEV-99"; did you mean DP-DEV-09?`},
		{"requirement with dot", []string{"DP-DEV-09", "--format", "dot"}, "requirement IDs take --spec and --format text|json only"},
		{"requirement with knob", []string{"DP-DEV-09", "--knob", "read=full"}, "requirement IDs take --spec and --format text|json only"},
		{"missing flag value", []string{"--spec"}, "--spec"},
		{"knob of another edition", []string{"--spec", "virtio-1.4", "--knob", "freeze-notify=latch"},
			"knob freeze-notify does not apply to virtio-1.4 (only to draft-2023: virtio-1.4 has no Freeze); virtio-1.4 knobs: stop-config-write"},
		{"knob of the other edition, dot", []string{"--format", "dot", "--knob", "cap-group=sriov"}, "knob cap-group does not apply to draft-2023"},
		{"unknown knob, both editions", []string{"--knob", "cap-grop=sriov"}, `unknown knob "cap-grop"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runSpecCLI(t, append([]string{"spec"}, c.args...)...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, c.want)
		})
	}
}

// TestSpecLookup: migsim spec ID... prints each requirement with its
// source, the oracles that list it and the catalog rows that check it.
func TestSpecLookup(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		want, lack []string
	}{
		{"one ID", []string{"DRAFT-MODE-04"}, []string{
			"DRAFT-MODE-04 (MUST, device, draft-2023)\n  DEV_MODE_GET returns the member's current mode\n",
			`  source:  migsim's definition of the draft (docs/spec.md, "The two editions")` + "\n",
			"  oracles: readback\n",
			"refused-commands  draft-2023 pass\n"}, nil},
		{"case ignored, two IDs", []string{"dp-dev-04", "DRAFT-FRZ-02"}, []string{
			"DP-DEV-04 (SHOULD, device, virtio-1.4)", "refused-commands  virtio-1.4 pass",
			"\n\nDRAFT-FRZ-02 (MUST, device, draft-2023)", "  oracles: frozen-context\n",
			"Q1   flr-during-freeze"}, nil},
		{"--spec keeps that edition's rows", []string{"ADM-DEV-03", "--spec", "virtio-1.4"},
			[]string{"ADM-DEV-03 (MUST, device, draft-2023, virtio-1.4)", " virtio-1.4 "}, []string{" draft-2023 pass"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runSpecCLI(t, append([]string{"spec"}, tt.args...)...)
			require.Equal(t, cmdbase.ExitOK, code, errOut)
			assert.Empty(t, errOut)
			for _, w := range tt.want {
				assert.Contains(t, out, w)
			}
			for _, l := range tt.lack {
				assert.NotContains(t, out, l)
			}
		})
	}
	code, out, errOut := runSpecCLI(t, "spec", "--format", "json", "DP-DEV-09", "DRAFT-CTX-01")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	var got []spectable.Checked
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&got))
	require.Len(t, got, 2)
	assert.Equal(t, "DP-DEV-09", got[0].ID)
	assert.Equal(t, []string{"virtio-1.4"}, got[0].Editions)
	assert.Contains(t, got[0].Oracles, "wire")
	assert.Equal(t, "DRAFT-CTX-01", got[1].ID)
	require.NotEmpty(t, got[1].Scenarios)
	for _, s := range got[1].Scenarios {
		for _, r := range s.Rows {
			assert.True(t, strings.HasPrefix(r, "draft-2023 "), "%s: %s is a draft-2023 requirement", s.Name, r)
		}
	}
}

func TestSpecHelp(t *testing.T) {
	code, out, errOut := runSpecCLI(t, "spec", "--help")
	assert.Equal(t, cmdbase.ExitOK, code)
	assert.Empty(t, errOut)
	for _, want := range []string{"--spec", "--format", "--knob", "simulator-assigned", "dot prints draft-2023"} {
		assert.Contains(t, out, want)
	}
}

// TestSpecDot checks the DOT output against testdata/spec; regenerate with
//
//	go test ./cmd/migsim -run TestSpecDot -rewrite
//
// and review the diff.
func TestSpecDot(t *testing.T) {
	cases := []struct {
		golden string
		args   []string
	}{
		{"dot_default.golden", nil},
		{"dot_draft-2023_strict-chain.golden", []string{"--spec", "draft-2023", "--knob", "transitions=strict-chain"}},
		{"dot_virtio-1.4.golden", []string{"--spec", "virtio-1.4"}},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			code, out, errOut := runSpecCLI(t, append([]string{"spec", "--format", "dot"}, c.args...)...)
			require.Equal(t, cmdbase.ExitOK, code, errOut)
			require.NoError(t, checkDOT(out))

			golden.Check(t, filepath.Join("testdata", "spec", c.golden), []byte(out))
		})
	}
}

func TestSpecDotDefaultsToDraft2023(t *testing.T) {
	_, def, _ := runSpecCLI(t, "spec", "--format", "dot")
	_, draft, _ := runSpecCLI(t, "spec", "--format", "dot", "--spec", "draft-2023")
	assert.Equal(t, draft, def)
	assert.True(t, strings.HasPrefix(def, `digraph "draft-2023" {`))
}

var (
	specDotHeader  = regexp.MustCompile(`^digraph "[^"]+" \{$`)
	specDotNode    = regexp.MustCompile(`^"([^"]+)" \[[^\]]*\];$`)
	specDotEdge    = regexp.MustCompile(`^"([^"]+)" -> "([^"]+)"( \[[^\]]*\])?;$`)
	specDotAttr    = regexp.MustCompile(`^[a-z]+=("([^"\\]|\\.)*"|[A-Za-z0-9]+);$`)
	specDotDefault = regexp.MustCompile(`^(graph|node|edge) \[[^\]]*\];$`)
)

// checkDOT is a small structural check of the DOT `migsim spec` prints: a
// digraph header, balanced braces and quotes, every statement terminated by
// a semicolon, and every edge between declared nodes.
func checkDOT(s string) error {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) < 2 || !specDotHeader.MatchString(lines[0]) {
		return fmt.Errorf("line 1: want digraph \"name\" {, got %q", lines[0])
	}
	if lines[len(lines)-1] != "}" {
		return fmt.Errorf("line %d: want closing }, got %q", len(lines), lines[len(lines)-1])
	}
	depth, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && inQuote:
			i++
		case s[i] == '"':
			inQuote = !inQuote
		case s[i] == '{' && !inQuote:
			depth++
		case s[i] == '}' && !inQuote:
			depth--
			if depth < 0 {
				return fmt.Errorf("byte %d: unbalanced }", i)
			}
		}
	}
	if depth != 0 || inQuote {
		return fmt.Errorf("unbalanced braces (%d) or quotes (%v)", depth, inQuote)
	}
	nodes := map[string]bool{}
	type edge struct {
		line     int
		from, to string
	}
	var edges []edge
	for i, l := range lines[1 : len(lines)-1] {
		stmt := strings.TrimSpace(l)
		switch {
		case specDotEdge.MatchString(stmt):
			m := specDotEdge.FindStringSubmatch(stmt)
			edges = append(edges, edge{i + 2, m[1], m[2]})
		case specDotNode.MatchString(stmt):
			nodes[specDotNode.FindStringSubmatch(stmt)[1]] = true
		case specDotAttr.MatchString(stmt), specDotDefault.MatchString(stmt):
		default:
			return fmt.Errorf("line %d: not a terminated node, edge or attribute statement: %q", i+2, l)
		}
	}
	if len(nodes) == 0 {
		return fmt.Errorf("no nodes declared")
	}
	for _, e := range edges {
		if !nodes[e.from] || !nodes[e.to] {
			return fmt.Errorf("line %d: edge %q -> %q references an undeclared node", e.line, e.from, e.to)
		}
	}
	return nil
}

func TestSpecDotCheckerRejectsBrokenDOT(t *testing.T) {
	good := "digraph \"g\" {\n  rankdir=LR;\n  \"a\" [label=\"a\"];\n  \"a\" -> \"a\";\n}\n"
	require.NoError(t, checkDOT(good))
	cases := []struct {
		name string
		dot  string
		want string
	}{
		{"no header", strings.Replace(good, "digraph", "graph", 1), "line 1"},
		{"missing semicolon", strings.Replace(good, "\"a\" -> \"a\";", "\"a\" -> \"a\"", 1), "line 4"},
		{"undeclared node", strings.Replace(good, "\"a\" -> \"a\";", "\"a\" -> \"b\";", 1), "undeclared"},
		{"unbalanced brace", strings.Replace(good, "\n}\n", "\n}}\n", 1), "closing }"},
		{"open quote", strings.Replace(good, "label=\"a\"", "label=\"a", 1), "unbalanced"},
		{"no nodes", "digraph \"g\" {\n  rankdir=LR;\n}\n", "no nodes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkDOT(c.dot)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestSpecKnobsOfOneEditionBothPrinted: without --spec each edition takes
// the knobs that apply to it and names the others as not applicable.
func TestSpecKnobsOfOneEditionBothPrinted(t *testing.T) {
	code, out, errOut := runSpecCLI(t, "spec", "--knob", "transitions=strict-chain", "--knob", "cap-group=sriov")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	assert.Contains(t, out, "mode transitions (DEV_MODE_SET from row to column; transitions=strict-chain)")
	assert.Contains(t, out, "not applicable to draft-2023 (another edition's; refused on an expect line and by --knob): cap-group\n")
	assert.Contains(t, out, "not applicable to virtio-1.4 (another edition's; refused on an expect line and by --knob): read, freeze-notify, transitions, reexec\n")
	assert.Regexp(t, `(?m)^  cap-group +sriov +self `, out)
}
