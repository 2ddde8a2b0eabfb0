package trace

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world"
)

func init() {
	// -rewrite regenerates golden files; another test file of the package
	// may define it first.
	if flag.Lookup("rewrite") == nil {
		flag.Bool("rewrite", false, "rewrite golden files under testdata/")
	}
}

// rewriteGolden reports whether -rewrite was given.
func rewriteGolden() bool {
	f := flag.Lookup("rewrite")
	return f != nil && f.Value.String() == "true"
}

// checkGolden compares got with testdata/export/name, or rewrites it.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "export", name)
	if rewriteGolden() {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test ./trace -run %s -rewrite", t.Name())
	require.Equal(t, string(want), string(got), "golden %s differs: review, then go test ./trace -run %s -rewrite", path, t.Name())
}

// exportFixture is a small synthetic trace with every event kind, two
// hosts, a peer and text that needs escaping in Mermaid.
func exportFixture() []world.TraceEvent {
	src := pcie.RID(0x0100)
	vf := pcie.RID(0x0101)
	return []world.TraceEvent{
		{Step: 0, Kind: world.TraceTLP, Host: "src", Target: "pf", Who: "hypervisor",
			TLP: pcie.TLP{Kind: pcie.CfgWrite, Completer: src, Addr: 0x10, Data: []byte{0, 0, 0, 0xd0}}},
		{Step: 0, Kind: world.TraceNote, Host: "src", Target: "pf", Who: "hypervisor", Text: "admin queue 0 started (size 64)"},
		{Step: 1, Kind: world.TraceTLP, Host: "src", Target: "vf1", Who: "vcpu0",
			TLP: pcie.TLP{Kind: pcie.CfgRead, Completer: vf, Addr: 0x34, Len: 1}},
		{Step: 1, Kind: world.TraceTLP, Host: "src", Target: "vf1", Who: "vcpu0",
			TLP: pcie.TLP{Kind: pcie.Completion, Requester: vf, Addr: 0x34, Data: []byte{0x40}}},
		{Step: 2, Kind: world.TraceTLP, Host: "src", Target: "vf1", Who: "vcpu0",
			TLP: pcie.TLP{Kind: pcie.MemWrite, Addr: 0x1_0000_3000, Data: []byte{0, 0}}},
		{Step: 3, Kind: world.TraceStep, Host: "src", Target: "vf1", Who: "src.vf1", Text: "fetch(q0)"},
		{Step: 3, Kind: world.TraceDMA, Host: "src", Target: "vf1", Who: "src.vf1", Text: "MRd 01:00.1 addr=0x100402 len=2"},
		{Step: 4, Time: 100_000_000, Kind: world.TraceMSIX, Host: "src", Target: "vf1", Who: "src.vf1",
			MSIX: pcie.MSIXMessage{Source: vf, Vector: 1, Addr: 0xfee0_0000, Data: 0x41}},
		{Step: 5, Time: 100_000_000, Kind: world.TraceTLP, Host: "src", Target: "vf1", Who: "peer0",
			TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: world.PeerRID, Addr: 0x1_0000_3000, Data: make([]byte, 16)}},
		{Step: 5, Time: 100_000_000, Kind: world.TraceNote, Host: "src", Target: "vf1", Who: "peer0",
			Text: "kick while Stop; latched #1 <held>"},
		{Step: 6, Time: 100_000_000, Kind: world.TraceTLP, Host: "dst", Target: "vf1", Who: "hv",
			TLP: pcie.TLP{Kind: pcie.CfgWrite, Completer: 0x0201, Addr: 0x86, Data: []byte{0x80, 0x01}}},
		{Step: 6, Time: 100_000_000, Kind: world.TraceMSIX, Host: "dst", Target: "pf", Who: "dst.pf",
			MSIX: pcie.MSIXMessage{Source: 0x0200, Addr: 0xfee0_0000}},
	}
}

// exportFixtureFinding is the finding the fixture ends in.
func exportFixtureFinding() *engine.Finding {
	return &engine.Finding{Oracle: "frozen-context", Reqs: []string{"DRAFT-FRZ-02"}, Step: 5,
		Actors: []string{"hv", "dst.vf1"}, Message: "dst.vf1: device context changed in Freeze; after a step of hv"}
}

// exportMeta is the metadata of the fixture.
func exportMeta() Meta {
	return Meta{Scenario: "fixture", Edition: "draft-2023", Knobs: []string{"freeze-notify=latch"}, Seed: 7}
}
