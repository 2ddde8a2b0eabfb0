package spec

import (
	"fmt"
	"sort"
	"strings"
)

// ReadSemantics is the `read` knob.
type ReadSemantics uint8

// Values of the read knob.
const (
	ReadIncrementalClear ReadSemantics = iota + 1
	ReadFull
)

// StopConfigWrite is the `stop-config-write` knob.
type StopConfigWrite uint8

// Values of the stop-config-write knob.
const (
	StopConfigApply StopConfigWrite = iota + 1
	StopConfigIgnore
)

// FLRVsMode is the `flr-vs-mode` knob.
type FLRVsMode uint8

// Values of the flr-vs-mode knob.
const (
	FLRHoldReply FLRVsMode = iota + 1
	FLRDefer
	FLRCompleteAnyway
)

// ResetVsMode is the `reset-vs-mode` knob.
type ResetVsMode uint8

// Values of the reset-vs-mode knob. ResetReplyOnStart is the seed thread's
// alternative to waiting for the reset to complete: the device answers the
// mode change once the reset has started, and a reset still in progress when
// the device is frozen completes only at the move to Active (the context
// carries it as PENDING_EVENTS; no virtio-1.4 part carries it).
const (
	ResetHoldReply ResetVsMode = iota + 1
	ResetCompleteAnyway
	ResetReplyOnStart
)

// ModeAfterFLR is the `mode-after-flr` knob.
type ModeAfterFLR uint8

// Values of the mode-after-flr knob.
const (
	AfterFLRRunning ModeAfterFLR = iota + 1
	AfterFLRKeep
)

// FreezeNotify is the `freeze-notify` knob.
type FreezeNotify uint8

// Values of the freeze-notify knob.
const (
	FreezeNotifyDrop FreezeNotify = iota + 1
	FreezeNotifyLatch
)

// Transitions is the `transitions` knob.
type Transitions uint8

// Values of the transitions knob.
const (
	TransitionsAll Transitions = iota + 1
	TransitionsStrictChain
)

// ResumeConfigNotify is the `resume-config-notify` knob: which
// notifications a device sends at the move to Active. A stopped device
// sends none (DRAFT-STOP-01, DP-DEV-11), so the ones it owes pile up: the
// used-buffer notifications of requests completed or written back at Stop
// (DP-DEV-09) and a config-change notification. held-only sends what the
// device itself holds or its context carries (PENDING_EVENTS; no
// virtio-1.4 part carries a held notification); always sends a
// config-change notification and a used-buffer notification on every live
// queue at every resume (spurious notifications are allowed).
type ResumeConfigNotify uint8

// Values of the resume-config-notify knob.
const (
	ResumeNotifyHeldOnly ResumeConfigNotify = iota + 1
	ResumeNotifyAlways
)

// ResumeAvail is the `resume-avail` knob: whether a device re-checks each
// queue's avail ring at the move to Active (the seed thread's answer to a
// doorbell lost while the device could not take it) or serves only the
// doorbells its context or its own record carries.
type ResumeAvail uint8

// Values of the resume-avail knob.
const (
	ResumeAvailLatchedOnly ResumeAvail = iota + 1
	ResumeAvailRecheck
)

// RxWhileStopped is the `rx-while-stopped` knob: what a network device
// does with a frame that reaches it from the wire while it is quiesced
// (docs/spec.md, "Knobs").
type RxWhileStopped uint8

// Values of the rx-while-stopped knob.
const (
	RxStoppedDrop RxWhileStopped = iota + 1
	RxStoppedBuffer
)

// ListBeforeVFEnable is the `list-before-vf-enable` knob: whether the
// owner answers LIST_QUERY and LIST_USE of the SR-IOV group while VF
// Enable = 0 (docs/spec.md, "Knobs").
type ListBeforeVFEnable uint8

// Values of the list-before-vf-enable knob.
const (
	ListBeforeVFEnableAnswer ListBeforeVFEnable = iota + 1
	ListBeforeVFEnableInvalidGroup
)

// CapGroup is the `cap-group` knob: the group type the owner driver sends
// the capability commands (CAP_ID_LIST_QUERY, DEVICE_CAP_GET,
// DRIVER_CAP_SET) on, which Linux changed (docs/spec.md, "Knobs").
type CapGroup uint8

// Values of the cap-group knob.
const (
	CapGroupSelf CapGroup = iota + 1
	CapGroupSRIOV
)

// Group returns the group type of the value (Self or SR-IOV).
func (c CapGroup) Group() GroupType {
	if c == CapGroupSRIOV {
		return GroupSRIOV
	}
	return GroupSelf
}

// PendingWork is the `pending-work` knob: what a mode change that quiesces
// the device (draft-2023 Stop or Freeze, virtio-1.4 stopped) does with
// register work the device accepted and has not finished — the validation
// behind a FEATURES_OK write, the commit behind a queue_enable write. finish
// does it before the mode change completes (the seed thread: "if the device
// needs more time, let device take time to do it"); carry replies at once,
// holds the work while quiesced and saves it as pending (draft-2023:
// PENDING_EVENTS and VQ_SPLIT_RUNTIME_CFG flags; no virtio-1.4 part carries
// it), so a destination finishes it at the move to Active; drop replies at
// once and saves the registers as committed only, so the work is lost on
// the way.
type PendingWork uint8

// Values of the pending-work knob.
const (
	PendingWorkFinish PendingWork = iota + 1
	PendingWorkCarry
	PendingWorkDrop
)

// Reexec is the `reexec` knob: what a draft-2023 destination does with a
// device-owned descriptor (VQ_SPLIT_DEV_OWN_DESC) the source already
// executed and did not complete. skip-executed: the source records what it
// executed (virtio-net: NET_INFLIGHT) and the destination completes it
// without executing it again; all: the draft's text as written ("in-flight
// descriptors are re-executed"): nothing records execution and every one
// is executed again. virtio-1.4 writes every taken buffer back before the
// stop completes (DP-DEV-09), so nothing is left to re-execute there.
type Reexec uint8

// Values of the reexec knob.
const (
	ReexecSkipExecuted Reexec = iota + 1
	ReexecAll
)

// Rules are the knobs that settle what an edition's text leaves open
// (docs/spec.md, "Knobs"). The zero value is not valid: start from
// DefaultRules.
type Rules struct {
	Read               ReadSemantics
	StopConfigWrite    StopConfigWrite
	FLRVsMode          FLRVsMode
	ResetVsMode        ResetVsMode
	ModeAfterFLR       ModeAfterFLR
	FreezeNotify       FreezeNotify
	Transitions        Transitions
	ResumeConfigNotify ResumeConfigNotify
	ResumeAvail        ResumeAvail
	RxWhileStopped     RxWhileStopped
	ListBeforeVFEnable ListBeforeVFEnable
	CapGroup           CapGroup
	PendingWork        PendingWork
	Reexec             Reexec
}

// DefaultRules returns the edition's defaults: every knob at its first
// value, except for virtio-1.4 read=full (draft-2023: incremental-clear),
// resume-avail=recheck (draft-2023: latched-only) and
// resume-config-notify=always (draft-2023: held-only).
func DefaultRules(e Edition) Rules {
	r := Rules{
		Read:               ReadIncrementalClear,
		StopConfigWrite:    StopConfigApply,
		FLRVsMode:          FLRHoldReply,
		ResetVsMode:        ResetHoldReply,
		ModeAfterFLR:       AfterFLRRunning,
		FreezeNotify:       FreezeNotifyDrop,
		Transitions:        TransitionsAll,
		ResumeConfigNotify: ResumeNotifyHeldOnly,
		ResumeAvail:        ResumeAvailLatchedOnly,
		RxWhileStopped:     RxStoppedDrop,
		ListBeforeVFEnable: ListBeforeVFEnableAnswer,
		CapGroup:           CapGroupSelf,
		PendingWork:        PendingWorkFinish,
		Reexec:             ReexecSkipExecuted,
	}
	if e == Virtio14 {
		r.Read = ReadFull
		r.ResumeAvail = ResumeAvailRecheck
		r.ResumeConfigNotify = ResumeNotifyAlways
	}
	return r
}

// Knob describes one knob: its name, its values (wire strings) and the seed
// question it settles.
type Knob struct {
	Name     string
	Values   []string
	Question string
	get      func(*Rules) uint8
	set      func(*Rules, uint8)
}

// Knobs lists every knob in a stable order (docs/spec.md, "Knobs"). Values are in
// declaration order; the edition default of each is given by DefaultRules.
var Knobs = []Knob{
	{"read", []string{"incremental-clear", "full"}, "can a failed migration be retried or rolled back?",
		func(r *Rules) uint8 { return uint8(r.Read) }, func(r *Rules, v uint8) { r.Read = ReadSemantics(v) }},
	{"stop-config-write", []string{"apply", "ignore"}, "is a guest's WCE write during Stop lost?",
		func(r *Rules) uint8 { return uint8(r.StopConfigWrite) }, func(r *Rules, v uint8) { r.StopConfigWrite = StopConfigWrite(v) }},
	{"flr-vs-mode", []string{"hold-reply", "defer-flr", "complete-anyway"}, "FLR during freeze",
		func(r *Rules) uint8 { return uint8(r.FLRVsMode) }, func(r *Rules, v uint8) { r.FLRVsMode = FLRVsMode(v) }},
	{"reset-vs-mode", []string{"hold-reply", "complete-anyway", "reply-on-start"}, "virtio reset racing stop/freeze",
		func(r *Rules) uint8 { return uint8(r.ResetVsMode) }, func(r *Rules, v uint8) { r.ResetVsMode = ResetVsMode(v) }},
	{"mode-after-flr", []string{"running", "keep"}, "does FLR clear the stop? (1.4 is silent)",
		func(r *Rules) uint8 { return uint8(r.ModeAfterFLR) }, func(r *Rules, v uint8) { r.ModeAfterFLR = ModeAfterFLR(v) }},
	{"freeze-notify", []string{"drop", "latch"}, "what happens to a kick that arrives in Freeze",
		func(r *Rules) uint8 { return uint8(r.FreezeNotify) }, func(r *Rules, v uint8) { r.FreezeNotify = FreezeNotify(v) }},
	{"transitions", []string{"all", "strict-chain"}, "may Active and Freeze switch directly, either way, without Stop?",
		func(r *Rules) uint8 { return uint8(r.Transitions) }, func(r *Rules, v uint8) { r.Transitions = Transitions(v) }},
	{"resume-config-notify", []string{"held-only", "always"}, "can a notification held while stopped (config change, written-back requests) be lost on the way?",
		func(r *Rules) uint8 { return uint8(r.ResumeConfigNotify) }, func(r *Rules, v uint8) { r.ResumeConfigNotify = ResumeConfigNotify(v) }},
	{"resume-avail", []string{"latched-only", "recheck"}, "does a resumed device re-check the avail ring, or serve only latched doorbells?",
		func(r *Rules) uint8 { return uint8(r.ResumeAvail) }, func(r *Rules, v uint8) { r.ResumeAvail = ResumeAvail(v) }},
	{"rx-while-stopped", []string{"drop", "buffer"}, "what does a stopped net device do with frames from the wire?",
		func(r *Rules) uint8 { return uint8(r.RxWhileStopped) }, func(r *Rules, v uint8) { r.RxWhileStopped = RxWhileStopped(v) }},
	{"list-before-vf-enable", []string{"answer", "invalid-group"}, "does the owner answer the SR-IOV group's LIST_QUERY before VF Enable? (ADM-DEV-10 says no; Linux asks then)",
		func(r *Rules) uint8 { return uint8(r.ListBeforeVFEnable) }, func(r *Rules, v uint8) { r.ListBeforeVFEnable = ListBeforeVFEnable(v) }},
	{"cap-group", []string{"self", "sriov"}, "which group does the host send the capability commands on? (Linux changed it)",
		func(r *Rules) uint8 { return uint8(r.CapGroup) }, func(r *Rules, v uint8) { r.CapGroup = CapGroup(v) }},
	{"pending-work", []string{"finish", "carry", "drop"}, "does a stop or freeze wait for a FEATURES_OK validation or queue enable the device has not finished?",
		func(r *Rules) uint8 { return uint8(r.PendingWork) }, func(r *Rules, v uint8) { r.PendingWork = PendingWork(v) }},
	{"reexec", []string{"skip-executed", "all"}, "does a draft destination execute again a device-owned request the source executed?",
		func(r *Rules) uint8 { return uint8(r.Reexec) }, func(r *Rules, v uint8) { r.Reexec = Reexec(v) }},
}

// Get returns the current value of the knob in r.
func (k Knob) Get(r Rules) string {
	v := k.get(&r)
	if v == 0 || int(v) > len(k.Values) {
		return ""
	}
	return k.Values[v-1]
}

func lookupKnob(name string) (Knob, bool) {
	for _, k := range Knobs {
		if k.Name == name {
			return k, true
		}
	}
	return Knob{}, false
}

func knobNames() []string {
	var n []string
	for _, k := range Knobs {
		n = append(n, k.Name)
	}
	return n
}

// Set sets one knob by name and value. An unknown knob or value is an error
// naming the knob and the allowed values.
func (r *Rules) Set(name, value string) error {
	k, ok := lookupKnob(name)
	if !ok {
		return fmt.Errorf("spec: unknown knob %q (knobs: %s)%s", name, strings.Join(knobNames(), ", "), nearKnob(name))
	}
	for i, v := range k.Values {
		if v == value {
			k.set(r, uint8(i+1))
			return nil
		}
	}
	return fmt.Errorf("spec: knob %s: unknown value %q (allowed: %s)", name, value, strings.Join(k.Values, ", "))
}

// Parse applies one "key=value" string to r.
func (r *Rules) Parse(kv string) error {
	name, value, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("spec: knob %q: want key=value (knobs: %s)", kv, strings.Join(knobNames(), ", "))
	}
	return r.Set(strings.TrimSpace(name), strings.TrimSpace(value))
}

// ParseRules returns the edition's defaults with every "key=value" in kvs
// applied in order. A knob that does not apply to the edition is an error
// (CheckKnobApplies).
func ParseRules(e Edition, kvs []string) (Rules, error) {
	r := DefaultRules(e)
	for _, kv := range kvs {
		name, _, _ := strings.Cut(kv, "=")
		if _, ok := lookupKnob(strings.TrimSpace(name)); !ok && strings.Contains(kv, "=") {
			// Listed as the edition has them: another edition's knob is no
			// help here.
			return Rules{}, fmt.Errorf("spec: unknown knob %q (knobs: %s)%s", strings.TrimSpace(name), strings.Join(KnobNamesFor(e), ", "), nearKnob(strings.TrimSpace(name)))
		}
		if err := r.Parse(kv); err != nil {
			return Rules{}, err
		}
		if err := CheckKnobApplies(e, strings.TrimSpace(name)); err != nil {
			return Rules{}, fmt.Errorf("spec: %w", err)
		}
	}
	return r, nil
}

// Map returns every knob's value by name.
func (r Rules) Map() map[string]string {
	m := make(map[string]string, len(Knobs))
	for _, k := range Knobs {
		m[k.Name] = k.Get(r)
	}
	return m
}

// Diff returns "key=value" for every knob where r differs from the
// edition's defaults, sorted by knob name; empty when r is the default.
func (r Rules) Diff(e Edition) []string {
	d := DefaultRules(e)
	var out []string
	for _, k := range Knobs {
		if k.Get(r) != k.Get(d) {
			out = append(out, k.Name+"="+k.Get(r))
		}
	}
	sort.Strings(out)
	return out
}

// String renders every knob as key=value separated by spaces, in Knobs order.
func (r Rules) String() string {
	var parts []string
	for _, k := range Knobs {
		parts = append(parts, k.Name+"="+k.Get(r))
	}
	return strings.Join(parts, " ")
}
