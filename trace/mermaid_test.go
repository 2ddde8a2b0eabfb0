package trace

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

func TestExportMermaidGolden(t *testing.T) {
	tests := []struct {
		golden  string
		finding *engine.Finding
		window  int
	}{
		{"fixture-finding-w3.mmd", exportFixtureFinding(), 3},
		{"fixture-all.mmd", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var a, b bytes.Buffer
			require.NoError(t, WriteMermaid(&a, exportFixture(), tt.finding, tt.window))
			require.NoError(t, WriteMermaid(&b, exportFixture(), tt.finding, tt.window))
			assert.Equal(t, a.String(), b.String(), "not deterministic")
			checkGolden(t, tt.golden, a.Bytes())
		})
	}
}

func TestExportMermaidWindow(t *testing.T) {
	f := exportFixtureFinding() // seen after scheduler step 5: event step 6
	tests := []struct {
		name     string
		finding  *engine.Finding
		window   int
		in, out  []string
		firstArg string
	}{
		{"window 1 keeps the finding's step", f, 1, []string{"[6] CfgWr 0x86"}, []string{"[5] ", "[4] "}, ""},
		{"window 2 adds the step before", f, 2, []string{"[5] MWr", "[6] CfgWr"}, []string{"[4] "}, ""},
		{"no finding: last steps", nil, 1, []string{"[6] "}, []string{"[5] ", "finding"}, ""},
		{"whole trace", f, 0, []string{"[0] CfgWr 0x10", "[6] CfgWr"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteMermaid(&b, exportFixture(), tt.finding, tt.window))
			for _, s := range tt.in {
				assert.Contains(t, b.String(), s)
			}
			for _, s := range tt.out {
				assert.NotContains(t, b.String(), s)
			}
		})
	}
}

func TestExportMermaidParticipantsAndEscaping(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteMermaid(&b, exportFixture(), exportFixtureFinding(), 0))
	var parts []string
	for _, l := range strings.Split(b.String(), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(l), "participant "); ok {
			parts = append(parts, p)
		}
	}
	// guests, hypervisor, peers, then host functions (PF before VFs).
	assert.Equal(t, []string{"vcpu0", "hypervisor", "hv", "peer0",
		"src_pf as src.pf", "src_vf1 as src.vf1", "dst_pf as dst.pf", "dst_vf1 as dst.vf1"}, parts)
	// ';' '#' '<' '>' never reach Mermaid raw in a message.
	assert.Contains(t, b.String(), "kick while Stop#59; latched #35;1 #60;held#62;")
	assert.Contains(t, b.String(), "Note over hv,dst_vf1: finding frozen-context (DRAFT-FRZ-02): dst.vf1: device context changed in Freeze#59; after a step of hv")
}

func TestExportMermaidEmpty(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteMermaid(&b, nil, &engine.Finding{Oracle: "live", Message: "deadlock"}, 5))
	assert.Equal(t, "sequenceDiagram\n    %% migsim: live after step 1, steps 0..1\n    participant world\n    Note over world: finding live: deadlock\n", b.String())
	b.Reset()
	require.NoError(t, WriteMermaid(&b, nil, nil, 0))
	assert.Equal(t, "sequenceDiagram\n    %% migsim: steps 0..0\n", b.String())
}
