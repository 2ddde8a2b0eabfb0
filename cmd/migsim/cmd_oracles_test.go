package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/oracletable"
	"github.com/migsim/migsim/oracle"
)

func TestOracles_Text(t *testing.T) {
	code, out, errOut := runSpecCLI(t, "oracles")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	for _, o := range oracle.All() {
		info := o.Info()
		assert.Contains(t, out, info.Name)
		assert.Contains(t, out, info.Doc, "the meaning comes from the registry")
	}
	assert.Contains(t, out, "frozen-context")
	assert.Contains(t, out, "error:NAME")
	lines := strings.Split(out, "\n")
	assert.True(t, strings.HasPrefix(lines[1], "frozen-context "), "registry order: %q", lines[1])
}

func TestOracles_JSONPerEdition(t *testing.T) {
	code, out, errOut := runSpecCLI(t, "oracles", "--format", "json", "--spec", "virtio-1.4")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	var doc struct {
		Oracles  []oracletable.Entry `json:"oracles"`
		Verdicts []oracle.Verdict    `json:"verdicts"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&doc))
	require.Len(t, doc.Oracles, len(oracle.Names()))
	byName := map[string]oracletable.Entry{}
	for _, e := range doc.Oracles {
		byName[e.Name] = e
	}
	assert.Empty(t, byName["frozen-context"].Reqs, "DRAFT-FRZ-02 is not a virtio-1.4 requirement")
	assert.Equal(t, []string{"DP-DEV-11"}, byName["no-dma-when-stopped"].Reqs)
	assert.Equal(t, []string{"rejected-load"}, byName["atomic-load"].Hooks)
	assert.Len(t, doc.Verdicts, len(oracle.Verdicts()))
}

func TestOracles_Markdown(t *testing.T) {
	code, out, errOut := runSpecCLI(t, "oracles", "--format", "markdown")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	assert.Equal(t, oracle.Doc(), out)
}

func TestOracles_UsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--format", "xml"}, {"--spec", "virtio-9"}, {"extra"}} {
		code, _, errOut := runSpecCLI(t, append([]string{"oracles"}, args...)...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%v", args)
		assert.Contains(t, errOut, "migsim oracles: ")
	}
	code, _, _ := runSpecCLI(t, "oracles", "--help")
	assert.Equal(t, cmdbase.ExitOK, code)
}
