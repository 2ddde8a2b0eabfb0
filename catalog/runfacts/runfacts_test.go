package runfacts

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// adminEvent is an admin command of a trace that the owner of host src
// completed: opcode name and number, the member it addresses, its data,
// its status.
func adminEvent(name string, opcode uint16, vf uint64, data []byte, status spec.Status) record.TraceEvent {
	cmd := adminq.Command{Opcode: opcode, Group: spec.GroupSRIOV, Member: vf, Data: data}.Encode()
	res := make([]byte, 8)
	binary.LittleEndian.PutUint16(res, uint16(status))
	return record.TraceEvent{Kind: record.TraceAdmin, Host: "src", Target: "pf", Text: name, Admin: cmd, AdminResult: res}
}

// draftMode is a draft-2023 DEV_MODE_SET of member vf that completed with OK.
func draftMode(vf uint64, m spec.Mode) record.TraceEvent {
	return adminEvent("DEV_MODE_SET", uint16(spec.DraftOpDevModeSet), vf, []byte{byte(m)}, spec.StatusOK)
}

// request is a TLP from an actor that reached member vf of host src;
// completion is a member's answer to a read.
func request(from string, vf int, kind pcie.TLPKind, off uint64, data ...byte) record.TraceEvent {
	const bar = 0x100000000 + 0x8000 // a naturally aligned VF BAR0 (any multiple of its size)
	addr := bar + off
	if kind == pcie.CfgWrite || kind == pcie.CfgRead {
		addr = off
	}
	return record.TraceEvent{Kind: record.TraceTLP, Host: "src", Target: fmt.Sprintf("vf%d", vf), From: from,
		TLP: pcie.TLP{Kind: kind, Addr: addr, Data: data}}
}

// pfConfigWrite is the hypervisor's configuration write to the PF of
// host src.
func pfConfigWrite(off uint64, data ...byte) record.TraceEvent {
	return record.TraceEvent{Kind: record.TraceTLP, Host: "src", Target: "pf", From: "hv",
		TLP: pcie.TLP{Kind: pcie.CfgWrite, Addr: off, Data: data}}
}

func completion(vf int, off uint64, data ...byte) record.TraceEvent {
	e := request("", vf, pcie.Completion, off, data...)
	e.From = fmt.Sprintf("src.vf%d", vf)
	return e
}

// readLen gives a read request its byte count.
func readLen(e record.TraceEvent, n int) record.TraceEvent {
	e.TLP.Len = n
	return e
}

// at gives a trace event its virtual time, in milliseconds.
func at(ms int64, e record.TraceEvent) record.TraceEvent {
	e.Time = engine.VTime(ms * 1_000_000)
	return e
}

// factsScenario names the actors Of tells apart: a vCPU and a peer.
var factsScenario = &scenario.Scenario{Actors: []*scenario.Program{
	{Kind: scenario.ActorGuest, Name: "vcpu0"}, {Kind: scenario.ActorPeer, Name: "p2p"}, {Kind: scenario.ActorHypervisor, Name: "hv"}}}

func TestOf(t *testing.T) {
	notify := uint64(pcie.BAR0Notify)
	devCfg := uint64(pcie.BAR0DeviceCfg) + 0x20
	status := uint64(pcie.BAR0CommonCfg) + uint64(spec.CfgDeviceStatus)
	flr := []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}
	v14Stop := adminEvent("DEV_MODE_SET", uint16(spec.OpDevModeSet), 1, []byte{spec.DevModeFlagStopped}, spec.StatusOK)
	v14Resume := adminEvent("DEV_MODE_SET", uint16(spec.OpDevModeSet), 1, []byte{0}, spec.StatusOK)
	for _, tc := range []struct {
		name   string
		ed     spec.Edition
		events []record.TraceEvent
		want   Facts
	}{
		{"modes and commands come from completions with OK", spec.Draft2023, []record.TraceEvent{
			draftMode(1, spec.ModeStop),
			adminEvent("DEV_MODE_SET", uint16(spec.DraftOpDevModeSet), 1, []byte{byte(spec.ModeFreeze)}, spec.StatusEINVAL),
			adminEvent("DEV_CTX_READ", uint16(spec.DraftOpDevCtxRead), 1, nil, spec.StatusOK),
		}, Facts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET", "DEV_CTX_READ"}}},
		{"virtio-1.4's stopped bit", spec.Virtio14, []record.TraceEvent{v14Stop, v14Resume},
			Facts{Modes: []spec.Mode{spec.ModeStop, spec.ModeActive}, Commands: []string{"DEV_MODE_SET"}}},
		{"requests of the VM's side by the host's mode of the member", spec.Draft2023, []record.TraceEvent{
			request("vcpu0", 1, pcie.MemRead, 0),
			draftMode(1, spec.ModeStop),
			request("vcpu0", 1, pcie.MemWrite, notify, 0, 0),
			request("hv", 1, pcie.MemWrite, devCfg, 0),    // the hypervisor's: not the VM's side
			request("vcpu0", 2, pcie.MemWrite, devCfg, 0), // member 2 was never stopped
		}, Facts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"},
			Reached: []spec.Mode{spec.ModeActive, spec.ModeStop}, Written: []spec.Mode{spec.ModeStop, spec.ModeActive},
			Notified: []spec.Mode{spec.ModeStop}, DevCfgWritten: []spec.Mode{spec.ModeActive}}},
		{"a vCPU reaching a frozen member breaks DRAFT-FLOW-02", spec.Draft2023, []record.TraceEvent{
			draftMode(1, spec.ModeStop), draftMode(1, spec.ModeFreeze), request("vcpu0", 1, pcie.MemWrite, notify, 0, 0),
		}, Facts{Modes: []spec.Mode{spec.ModeStop, spec.ModeFreeze}, Commands: []string{"DEV_MODE_SET"},
			Reached: []spec.Mode{spec.ModeFreeze}, Written: []spec.Mode{spec.ModeFreeze}, Notified: []spec.Mode{spec.ModeFreeze},
			Broken: []string{"DRAFT-FLOW-02"}}},
		{"a peer reaching a frozen member after a source frozen without Stop breaks DRAFT-FLOW-01", spec.Draft2023, []record.TraceEvent{
			draftMode(1, spec.ModeFreeze), adminEvent("DEV_CTX_READ", uint16(spec.DraftOpDevCtxRead), 1, nil, spec.StatusOK),
			request("p2p", 1, pcie.MemWrite, notify, 0, 0),
		}, Facts{Modes: []spec.Mode{spec.ModeFreeze}, Commands: []string{"DEV_MODE_SET", "DEV_CTX_READ"},
			Reached: []spec.Mode{spec.ModeFreeze}, Written: []spec.Mode{spec.ModeFreeze}, Notified: []spec.Mode{spec.ModeFreeze},
			Broken: []string{"DRAFT-FLOW-01"}}},
		{"a peer reaching a source frozen after Stop breaks nothing", spec.Draft2023, []record.TraceEvent{
			draftMode(1, spec.ModeStop), draftMode(1, spec.ModeFreeze),
			adminEvent("DEV_CTX_READ", uint16(spec.DraftOpDevCtxRead), 1, nil, spec.StatusOK),
			request("p2p", 1, pcie.MemWrite, devCfg, 0),
		}, Facts{Modes: []spec.Mode{spec.ModeStop, spec.ModeFreeze}, Commands: []string{"DEV_MODE_SET", "DEV_CTX_READ"},
			Reached: []spec.Mode{spec.ModeFreeze}, Written: []spec.Mode{spec.ModeFreeze}, DevCfgWritten: []spec.Mode{spec.ModeFreeze}}},
		{"a vCPU's device-configuration access to a stopped member breaks DP-DRV-03", spec.Virtio14, []record.TraceEvent{
			v14Stop, request("vcpu0", 1, pcie.MemRead, devCfg), request("vcpu0", 1, pcie.MemWrite, notify, 0, 0),
		}, Facts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"}, Reached: []spec.Mode{spec.ModeStop},
			Written: []spec.Mode{spec.ModeStop}, Notified: []spec.Mode{spec.ModeStop}, Broken: []string{"DP-DRV-03"}}},
		{"DEV_PARTS_SET accepted on a running member breaks DP-DRV-01 and the SHOULD DP-DEV-04, not the MUST DP-DEV-08", spec.Virtio14, []record.TraceEvent{
			adminEvent("DEV_PARTS_SET", uint16(spec.OpDevPartsSet), 1, nil, spec.StatusOK),
		}, Facts{Commands: []string{"DEV_PARTS_SET"}, Broken: []string{"DP-DRV-01"}, DeviceBroken: []string{"DP-DEV-04"}}},
		{"DEV_PARTS_SET refused on a running member still breaks DP-DRV-01", spec.Virtio14, []record.TraceEvent{
			adminEvent("DEV_PARTS_SET", uint16(spec.OpDevPartsSet), 1, nil, spec.StatusEINVAL),
		}, Facts{Broken: []string{"DP-DRV-01"}}},
		{"DEV_PARTS_SET on a stopped member breaks nothing", spec.Virtio14, []record.TraceEvent{
			v14Stop, adminEvent("DEV_PARTS_SET", uint16(spec.OpDevPartsSet), 1, nil, spec.StatusOK),
		}, Facts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET", "DEV_PARTS_SET"}}},
		{"a non-zero device_status write ends the reset the host waits for", spec.Virtio14, []record.TraceEvent{
			request("vcpu0", 1, pcie.MemWrite, status, 0),
			request("vcpu0", 1, pcie.MemWrite, status, 0x01), // ACKNOWLEDGE
			request("vcpu0", 1, pcie.MemRead, status), completion(1, status, 0x01),
		}, Facts{Reached: []spec.Mode{spec.ModeActive}, Written: []spec.Mode{spec.ModeActive}}},
		{"accesses whose range covers device_status are to it", spec.Virtio14, []record.TraceEvent{
			request("vcpu0", 1, pcie.MemWrite, status-4, 0, 0, 0, 0, 0, 0, 0, 0), // msix_config .. queue_select
			readLen(request("vcpu0", 1, pcie.MemRead, status-4), 8), completion(1, status-4, 0, 0, 1, 0, 0x0f, 0, 0, 0),
		}, Facts{Reset: true, Reached: []spec.Mode{spec.ModeActive}, Written: []spec.Mode{spec.ModeActive}}},
		{"an FLR and a reset the host saw in progress", spec.Virtio14, []record.TraceEvent{
			request("vcpu0", 1, pcie.CfgWrite, pcie.PCIeCapOffset+pcie.PCIeDevCtl, flr...),
			request("vcpu0", 1, pcie.MemWrite, status, 0),
			request("vcpu0", 1, pcie.MemRead, status), completion(1, status, 0x0f),
		}, Facts{FLR: true, Reset: true, Reached: []spec.Mode{spec.ModeActive}, Written: []spec.Mode{spec.ModeActive}}},
		{"a configuration read at device_status's offset is not a read of it", spec.Virtio14, []record.TraceEvent{
			request("vcpu0", 1, pcie.MemWrite, status, 0),
			request("vcpu0", 1, pcie.CfgRead, status), completion(1, status, 0x0f),
		}, Facts{Reached: []spec.Mode{spec.ModeActive}, Written: []spec.Mode{spec.ModeActive}}},
		{"a PF FLR ends the SR-IOV group: the host's modes of its members go", spec.Draft2023, []record.TraceEvent{
			draftMode(1, spec.ModeStop),
			pfConfigWrite(pcie.PCIeCapOffset+pcie.PCIeDevCtl, flr...),
			request("vcpu0", 1, pcie.MemWrite, notify, 0, 0), // a member of the group enabled again
		}, Facts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"},
			Reached: []spec.Mode{spec.ModeActive}, Written: []spec.Mode{spec.ModeActive}, Notified: []spec.Mode{spec.ModeActive}}},
		{"VF Enable cleared ends the group too", spec.Draft2023, []record.TraceEvent{
			draftMode(1, spec.ModeStop),
			pfConfigWrite(pcie.SRIOVCapOffset+pcie.SRIOVControl, 0, 0),
			request("vcpu0", 1, pcie.MemWrite, notify, 0, 0),
		}, Facts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"},
			Reached: []spec.Mode{spec.ModeActive}, Written: []spec.Mode{spec.ModeActive}, Notified: []spec.Mode{spec.ModeActive}}},
		{"other writes to the PF keep the members", spec.Draft2023, []record.TraceEvent{
			draftMode(1, spec.ModeStop),
			pfConfigWrite(pcie.SRIOVCapOffset+pcie.SRIOVControl, byte(pcie.SRIOVCtlVFEnable), 0), // VF Enable kept
			pfConfigWrite(pcie.PCIeCapOffset+pcie.PCIeDevCtl, 0, 0),                              // no FLR
			request("vcpu0", 1, pcie.MemWrite, notify, 0, 0),
		}, Facts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"},
			Reached: []spec.Mode{spec.ModeStop}, Written: []spec.Mode{spec.ModeStop}, Notified: []spec.Mode{spec.ModeStop}}},
		{"a reset that was over at the first read is not seen in progress", spec.Virtio14, []record.TraceEvent{
			request("vcpu0", 1, pcie.MemWrite, status, 0),
			request("vcpu0", 1, pcie.MemRead, status), completion(1, status, 0),
			request("vcpu0", 1, pcie.MemRead, status), completion(1, status, 0x0f),
		}, Facts{Reached: []spec.Mode{spec.ModeActive}, Written: []spec.Mode{spec.ModeActive}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Of(tc.ed, spec.DefaultRules(tc.ed), factsScenario, tc.events)
			got.Members = nil // TestOfMembers checks them
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestOfAfterFLR checks the host's mode of a member at the end of an FLR:
// ownerview's rules (mode-after-flr, flr-vs-mode, 100 ms of virtual time).
func TestOfAfterFLR(t *testing.T) {
	devCfg := uint64(pcie.BAR0DeviceCfg) + 0x20
	flrAt := func(ms int64) record.TraceEvent {
		return at(ms, request("hv", 1, pcie.CfgWrite, pcie.PCIeCapOffset+pcie.PCIeDevCtl, 0, byte(pcie.DevCtlInitiateFLR>>8)))
	}
	frozen := []record.TraceEvent{at(0, draftMode(1, spec.ModeStop)), at(1, draftMode(1, spec.ModeFreeze)), flrAt(2)}
	v14Stop := at(0, adminEvent("DEV_MODE_SET", uint16(spec.OpDevModeSet), 1, []byte{spec.DevModeFlagStopped}, spec.StatusOK))
	for _, tc := range []struct {
		name    string
		ed      spec.Edition
		rules   []string
		events  []record.TraceEvent
		reached []spec.Mode
		broken  []string
	}{
		{"the FLR's end clears Freeze", spec.Draft2023, nil,
			append(frozen, at(150, request("vcpu0", 1, pcie.MemWrite, devCfg, 0))), []spec.Mode{spec.ModeActive}, nil},
		{"Freeze holds while the FLR is in progress", spec.Draft2023, nil,
			append(frozen, at(50, request("vcpu0", 1, pcie.MemWrite, devCfg, 0))), []spec.Mode{spec.ModeFreeze}, []string{"DRAFT-FLOW-02"}},
		{"mode-after-flr=keep keeps Freeze", spec.Draft2023, []string{"mode-after-flr=keep"},
			append(frozen, at(150, request("vcpu0", 1, pcie.MemWrite, devCfg, 0))), []spec.Mode{spec.ModeFreeze}, []string{"DRAFT-FLOW-02"}},
		{"defer-flr defers the FLR while quiesced", spec.Draft2023, []string{"flr-vs-mode=defer-flr"},
			append(frozen, at(150, request("vcpu0", 1, pcie.MemWrite, devCfg, 0))), []spec.Mode{spec.ModeFreeze}, []string{"DRAFT-FLOW-02"}},
		{"the FLR's end clears the stop", spec.Virtio14, nil,
			[]record.TraceEvent{v14Stop, flrAt(1), at(120, request("vcpu0", 1, pcie.MemRead, devCfg))}, []spec.Mode{spec.ModeActive}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := spec.ParseRules(tc.ed, tc.rules)
			if !assert.NoError(t, err) {
				return
			}
			got := Of(tc.ed, rules, factsScenario, tc.events)
			assert.Equal(t, tc.reached, got.Reached)
			assert.Equal(t, tc.broken, got.Broken)
			assert.Equal(t, tc.broken, got.Members["src.vf1"].Broken)
		})
	}
}

// TestOfMembers checks each member's own facts: a migration's destination
// carries the driver rules broken towards the source it was read from.
func TestOfMembers(t *testing.T) {
	notify := uint64(pcie.BAR0Notify)
	dst := func(e record.TraceEvent) record.TraceEvent {
		e.Host = "dst"
		return e
	}
	for _, tc := range []struct {
		name   string
		events []record.TraceEvent
		want   map[string][]string
	}{
		{"the destination written after the source was read carries its violation", []record.TraceEvent{
			draftMode(1, spec.ModeStop), draftMode(1, spec.ModeFreeze), request("vcpu0", 1, pcie.MemWrite, notify, 0, 0),
			adminEvent("DEV_CTX_READ", uint16(spec.DraftOpDevCtxRead), 1, nil, spec.StatusOK),
			dst(adminEvent("DEV_CTX_WRITE", uint16(spec.DraftOpDevCtxWrite), 1, nil, spec.StatusOK)),
			request("vcpu0", 2, pcie.MemWrite, notify, 0, 0),
		}, map[string][]string{"src.vf1": {"DRAFT-FLOW-02"}, "dst.vf1": {"DRAFT-FLOW-02"}, "src.vf2": nil}},
		{"a member written before the read carries nothing", []record.TraceEvent{
			dst(adminEvent("DEV_CTX_WRITE", uint16(spec.DraftOpDevCtxWrite), 1, nil, spec.StatusOK)),
			draftMode(1, spec.ModeFreeze), request("vcpu0", 1, pcie.MemWrite, notify, 0, 0),
			adminEvent("DEV_CTX_READ", uint16(spec.DraftOpDevCtxRead), 1, nil, spec.StatusOK),
		}, map[string][]string{"src.vf1": {"DRAFT-FLOW-02"}, "dst.vf1": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Of(spec.Draft2023, spec.DefaultRules(spec.Draft2023), factsScenario, tc.events)
			broken := map[string][]string{}
			for k, m := range got.Members {
				broken[k] = m.Broken
			}
			assert.Equal(t, tc.want, broken)
		})
	}
}

// HalvesAcrossMode: one half of a 64-bit queue address written on its
// own, the host changing that member's mode, then the other half written
// (to whichever member): a member that kept the lone half across the
// change. Not when the mode did not change, when both halves came before
// it, in one 8-byte write, from the hypervisor, or for another field.
func TestOfHalvesAcrossMode(t *testing.T) {
	descLo := uint64(pcie.BAR0CommonCfg) + uint64(spec.CfgQueueDescLo)
	descHi := uint64(pcie.BAR0CommonCfg) + uint64(spec.CfgQueueDescHi)
	drvHi := uint64(pcie.BAR0CommonCfg) + uint64(spec.CfgQueueDriverHi)
	lo := request("vcpu0", 1, pcie.MemWrite, descLo, 1, 2, 3, 4)
	hi := request("vcpu0", 1, pcie.MemWrite, descHi, 0, 0, 0, 0)
	hiOnVF2 := request("vcpu0", 2, pcie.MemWrite, descHi, 0, 0, 0, 0)
	stop := draftMode(1, spec.ModeStop)
	for _, tc := range []struct {
		name   string
		events []record.TraceEvent
		want   bool
	}{
		{"lo, a stop, hi", []record.TraceEvent{lo, stop, hi}, true},
		{"hi, a stop, lo", []record.TraceEvent{hi, stop, lo}, true},
		{"lo, a stop, hi on the member the accesses moved to", []record.TraceEvent{lo, stop, hiOnVF2}, true},
		{"lo, hi, a stop", []record.TraceEvent{lo, hi, stop}, false},
		{"lo, a mode set to the mode it had, hi", []record.TraceEvent{lo, draftMode(1, spec.ModeActive), hi}, false},
		{"lo, another member's stop, hi", []record.TraceEvent{lo, draftMode(2, spec.ModeStop), hi}, false},
		{"lo, a stop, lo again, hi", []record.TraceEvent{lo, stop, request("vcpu0", 2, pcie.MemWrite, descLo, 1, 2, 3, 4), hiOnVF2}, false},
		{"an 8-byte write, a stop, hi", []record.TraceEvent{request("vcpu0", 1, pcie.MemWrite, descLo, 1, 2, 3, 4, 0, 0, 0, 0), stop, hi}, false},
		{"lo, a stop, another field's hi", []record.TraceEvent{lo, stop, request("vcpu0", 1, pcie.MemWrite, drvHi, 0, 0, 0, 0)}, false},
		{"the hypervisor's halves", []record.TraceEvent{request("hv", 1, pcie.MemWrite, descLo, 1, 2, 3, 4), stop, request("hv", 1, pcie.MemWrite, descHi, 0, 0, 0, 0)}, false},
		{"another actor's hi", []record.TraceEvent{lo, stop, request("p2p", 1, pcie.MemWrite, descHi, 0, 0, 0, 0)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Of(spec.Draft2023, spec.DefaultRules(spec.Draft2023), factsScenario, tc.events)
			assert.Equal(t, tc.want, f.HalvesAcrossMode)
			assert.Equal(t, tc.want, f.Members["src.vf1"] != nil && f.Members["src.vf1"].HalvesAcrossMode, "the member the first half reached")
			assert.Equal(t, tc.want, Merge(&f).HalvesAcrossMode)
		})
	}
}
