package trace

import (
	"path/filepath"
	"testing"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/record"
)

// checkGolden compares got with testdata/export/name, or rewrites it
// under -rewrite.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "export", name), got)
}

// exportFixture is a small synthetic trace with every event kind, two
// hosts, a peer, admin commands (one failed) and text that needs escaping
// in Mermaid, recorded as the world records it (edition, endpoints, the
// completer of memory requests, interrupts under their source).
func exportFixture() []record.TraceEvent {
	src := pcie.RID(0x0100)
	vf := pcie.RID(0x0101)
	d := spec.Draft2023
	return []record.TraceEvent{
		{Step: 0, Kind: record.TraceTLP, Edition: d, Host: "src", Target: "pf", Who: "hypervisor", From: "hypervisor", To: "src.pf",
			TLP: pcie.TLP{Kind: pcie.CfgWrite, Completer: src, Addr: 0x10, Data: []byte{0, 0, 0, 0xd0}}},
		{Step: 0, Kind: record.TraceNote, Edition: d, Host: "src", Target: "pf", Who: "hypervisor", From: "src.pf", To: "src.pf",
			Text: "admin queue 0 started (size 64)"},
		{Step: 1, Kind: record.TraceTLP, Edition: d, Host: "src", Target: "vf1", Who: "vcpu0", From: "vcpu0", To: "src.vf1",
			TLP: pcie.TLP{Kind: pcie.CfgRead, Completer: vf, Addr: 0x34, Len: 1}},
		{Step: 1, Kind: record.TraceTLP, Edition: d, Host: "src", Target: "vf1", Who: "vcpu0", From: "src.vf1", To: "vcpu0",
			TLP: pcie.TLP{Kind: pcie.Completion, Completer: vf, Addr: 0x34, Data: []byte{0x40}}},
		{Step: 2, Kind: record.TraceTLP, Edition: d, Host: "src", Target: "vf1", Who: "vcpu0", From: "vcpu0", To: "src.vf1",
			TLP: pcie.TLP{Kind: pcie.MemWrite, Completer: vf, Addr: 0x1_0000_3000, Data: []byte{0, 0}}},
		{Step: 3, Kind: record.TraceStep, Edition: d, Host: "src", Target: "vf1", Who: "src.vf1", From: "src.vf1", To: "src.vf1",
			Text: "fetch(q0)"},
		{Step: 3, Kind: record.TraceDMA, Edition: d, Host: "src", Target: "vf1", Who: "src.vf1", From: "src.vf1", To: "src.mem",
			Text: "MRd 01:00.1 addr=0x100402 len=2"},
		{Step: 4, Kind: record.TraceAdmin, Edition: d, Host: "src", Target: "pf", Who: "src.pf", From: "hv", To: "src.pf",
			Text: "DEV_MODE_SET", Admin: adminCommand(0x7, 1, 1, []byte{2, 0, 0, 0, 0, 0, 0, 0}), AdminResult: make([]byte, 8)},
		{Step: 4, Kind: record.TraceState, Edition: d, Host: "src", Target: "vf1", Who: "src.pf", From: "src.vf1", To: "src.vf1",
			Text: "mode Freeze", State: record.TraceMemberState{Mode: spec.ModeFreeze}},
		{Step: 4, Time: 100_000_000, Kind: record.TraceMSIX, Edition: d, Host: "src", Target: "vf1", Who: "src.vf1", From: "src.vf1", To: "vcpu0",
			MSIX: pcie.MSIXMessage{Source: vf, Vector: 1, Addr: 0xfee0_0000, Data: 0x41}},
		{Step: 5, Time: 100_000_000, Kind: record.TraceTLP, Edition: d, Host: "src", Target: "vf1", Who: "peer0", From: "peer0", To: "src.vf1",
			TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: world.PeerRID, Completer: vf, Addr: 0x1_0000_3000, Data: make([]byte, 16)}},
		{Step: 5, Time: 100_000_000, Kind: record.TraceNote, Edition: d, Host: "src", Target: "vf1", Who: "peer0", From: "src.vf1", To: "src.vf1",
			Text: "kick while Stop; latched #1 <held>"},
		{Step: 5, Time: 100_000_000, Kind: record.TraceAdmin, Edition: d, Host: "src", Target: "pf", Who: "src.pf", From: "hv", To: "src.pf",
			Text: "DEV_MODE_SET", Admin: adminCommand(0x7, 1, 1, []byte{9, 0, 0, 0, 0, 0, 0, 0}),
			AdminResult: []byte{22, 0, 3, 0, 0, 0, 0, 0}},
		{Step: 6, Time: 100_000_000, Kind: record.TraceTLP, Edition: d, Host: "dst", Target: "vf1", Who: "hv", From: "hv", To: "dst.vf1",
			TLP: pcie.TLP{Kind: pcie.CfgWrite, Completer: 0x0201, Addr: 0x86, Data: []byte{0x80, 0x01}}},
		{Step: 6, Time: 100_000_000, Kind: record.TraceMSIX, Edition: d, Host: "dst", Target: "pf", Who: "dst.vf1", From: "dst.pf", To: "hv",
			MSIX: pcie.MSIXMessage{Source: 0x0200, Addr: 0xfee0_0000}},
	}
}

// adminCommand encodes an admin command header and data.
func adminCommand(op uint16, group spec.GroupType, member uint64, data []byte) []byte {
	return adminq.Command{Opcode: op, Group: group, Member: member, Data: data}.Encode()
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
