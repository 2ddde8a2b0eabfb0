package extdevice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Conversions between the member contract and its wire form. Names are the
// String forms of the member and pcie enums: event kinds tlp, admin, timer,
// step, backend; TLP kinds CfgRd, CfgWr, MRd, MWr; step kinds fetch,
// execute, complete, admin, finish-flr, finish-reset, deliver-held; timers
// flr, pm.

// eventTLPKinds are the TLP kinds an event may carry.
var eventTLPKinds = []pcie.TLPKind{pcie.CfgRead, pcie.CfgWrite, pcie.MemRead, pcie.MemWrite}

// The parsers of names return an error that quotes the name and lists the
// names it wants; the converters below add the field it was read from.

func parseTLPKind(s string) (pcie.TLPKind, error) {
	for _, k := range eventTLPKinds {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown TLP kind %q (want CfgRd, CfgWr, MRd or MWr)", s)
}

func parseStepKind(s string) (member.StepKind, error) {
	for k := member.StepFetch; k <= member.StepDeliverHeld; k++ {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown step kind %q (want %s)", s, names(member.StepFetch, member.StepDeliverHeld))
}

func parseTimer(s string) (member.TimerID, error) {
	for k := member.TimerFLR; k <= member.TimerPM; k++ {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown timer %q (want flr or pm)", s)
}

func parseEventKind(s string) (member.EventKind, error) {
	for k := member.EvTLP; k <= member.EvBackend; k++ {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown event kind %q (want %s)", s, names(member.EvTLP, member.EvBackend))
}

// names lists the names of the values first to last: "a, b or c".
func names[K interface {
	~uint8
	String() string
}](first, last K) string {
	var out []string
	for k := first; k <= last; k++ {
		out = append(out, k.String())
	}
	return strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1]
}

// ConfigToWire renders a device configuration; disk describes the kit's
// disk (nil: none).
func ConfigToWire(c member.Config, disk *Disk) *Config {
	rules := c.Rules
	if rules == (spec.Rules{}) {
		rules = spec.DefaultRules(c.Edition)
	}
	return &Config{Edition: c.Edition.String(), Rules: rules.Map(), VF: c.VF, RID: uint16(c.RID), BAR0: Hex64(c.BAR0),
		NumQueues: c.NumQueues, QueueSizeMax: c.QueueSizeMax, Features: Hex64(c.Features), MSIXVectors: c.MSIXVectors, Disk: disk}
}

// ConfigFromWire reads a device configuration (without Mem and Backing,
// which the server supplies). Errors name the field: "config.edition: …".
func ConfigFromWire(w *Config) (member.Config, error) {
	if w == nil {
		return member.Config{}, fmt.Errorf("config: missing")
	}
	ed, err := spec.ParseEdition(w.Edition)
	if err != nil {
		return member.Config{}, fmt.Errorf("config.edition: %w", err)
	}
	rules := spec.DefaultRules(ed)
	names := make([]string, 0, len(w.Rules))
	for k := range w.Rules {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if err := rules.Set(k, w.Rules[k]); err != nil {
			return member.Config{}, fmt.Errorf("config.rules: %w", err)
		}
	}
	return member.Config{Edition: ed, Rules: rules, VF: w.VF, RID: pcie.RID(w.RID), BAR0: uint64(w.BAR0),
		NumQueues: w.NumQueues, QueueSizeMax: w.QueueSizeMax, Features: spec.Features(w.Features), MSIXVectors: w.MSIXVectors}, nil
}

// EventToWire renders one event.
func EventToWire(ev member.Event) *Event {
	out := &Event{Kind: ev.Kind.String()}
	switch ev.Kind {
	case member.EvTLP:
		t := ev.TLP
		out.TLP = &TLP{Kind: t.Kind.String(), Requester: uint16(t.Requester), Completer: uint16(t.Completer),
			Addr: Hex64(t.Addr), Data: t.Data, Len: t.Len}
	case member.EvAdmin:
		a := ev.Admin
		out.Admin = &AdminRequest{Tag: a.Tag, Opcode: a.Opcode, Data: a.Data, ResultCap: a.ResultCap, ObjectID: a.ObjectID}
	case member.EvTimer:
		out.Timer = ev.Timer.String()
	case member.EvStep:
		out.Step = &Step{Kind: ev.Step.Kind.String(), Queue: ev.Step.Queue, Tag: ev.Step.Tag}
	}
	return out
}

// EventFromWire reads one event. Errors name the field ("event.tlp.kind:
// unknown TLP kind …"): a field the event's kind needs that is missing or
// unknown, or one of another kind's.
func EventFromWire(w *Event) (member.Event, error) {
	if w == nil {
		return member.Event{}, fmt.Errorf("event: missing")
	}
	k, err := parseEventKind(w.Kind)
	if err != nil {
		return member.Event{}, fmt.Errorf("event.kind: %w", err)
	}
	for _, f := range []struct {
		name string
		set  bool
		kind member.EventKind
	}{
		{"tlp", w.TLP != nil, member.EvTLP},
		{"admin", w.Admin != nil, member.EvAdmin},
		{"timer", w.Timer != "", member.EvTimer},
		{"step", w.Step != nil, member.EvStep},
	} {
		if f.set && f.kind != k {
			return member.Event{}, fmt.Errorf("event.%s: not a field of a %s event", f.name, k)
		}
	}
	ev := member.Event{Kind: k}
	switch k {
	case member.EvTLP:
		if w.TLP == nil {
			return ev, fmt.Errorf("event.tlp: missing in a tlp event")
		}
		tk, err := parseTLPKind(w.TLP.Kind)
		if err != nil {
			return ev, fmt.Errorf("event.tlp.kind: %w", err)
		}
		ev.TLP = pcie.TLP{Kind: tk, Requester: pcie.RID(w.TLP.Requester), Completer: pcie.RID(w.TLP.Completer),
			Addr: uint64(w.TLP.Addr), Data: w.TLP.Data, Len: w.TLP.Len}
	case member.EvAdmin:
		if w.Admin == nil {
			return ev, fmt.Errorf("event.admin: missing in an admin event")
		}
		a := w.Admin
		ev.Admin = member.AdminRequest{Tag: a.Tag, Opcode: a.Opcode, Data: a.Data, ResultCap: a.ResultCap, ObjectID: a.ObjectID}
	case member.EvTimer:
		if ev.Timer, err = parseTimer(w.Timer); err != nil {
			return ev, fmt.Errorf("event.timer: %w", err)
		}
	case member.EvStep:
		if w.Step == nil {
			return ev, fmt.Errorf("event.step: missing in a step event")
		}
		s, err := stepFromWire(*w.Step)
		if err != nil {
			return ev, fmt.Errorf("event.step.kind: %w", err)
		}
		ev.Step = s
	}
	return ev, nil
}

// stepFromWire reads a step; the only error is its kind's.
func stepFromWire(w Step) (member.Step, error) {
	k, err := parseStepKind(w.Kind)
	if err != nil {
		return member.Step{}, err
	}
	return member.Step{Kind: k, Queue: w.Queue, Tag: w.Tag}, nil
}

// StatusToWire renders a device's status.
func StatusToWire(s member.Status) *Status {
	return &Status{Mode: uint8(s.Mode), DeviceStatus: uint8(s.DeviceStatus), FLRPending: s.FLRPending,
		ResetPending: s.ResetPending, HeldReplies: s.HeldReplies}
}

func statusFromWire(w *Status) member.Status {
	return member.Status{Mode: spec.Mode(w.Mode), DeviceStatus: spec.DeviceStatus(w.DeviceStatus), FLRPending: w.FLRPending,
		ResetPending: w.ResetPending, HeldReplies: w.HeldReplies}
}

// EffectsToWire fills an effects message from a device's effects.
func EffectsToWire(m *Message, fx member.Effects) {
	m.ReadData = fx.ReadData
	for _, i := range fx.Interrupts {
		m.Interrupts = append(m.Interrupts, Interrupt{Vector: i.Vector, Addr: Hex64(i.Addr), Data: i.Data})
	}
	for _, c := range fx.Completions {
		m.Completions = append(m.Completions, Completion{Tag: c.Tag, Status: uint16(c.Status), Qualifier: uint16(c.Qualifier), Result: c.Result})
	}
	for _, t := range fx.Timers {
		m.Timers = append(m.Timers, Timer{Timer: t.ID.String(), Delay: t.Delay})
	}
	for _, s := range fx.Steps {
		m.Steps = append(m.Steps, Step{Kind: s.Kind.String(), Queue: s.Queue, Tag: s.Tag})
	}
	m.Notes = fx.Notes
}

// effectsFromWire reads a device's effects; MSI-X messages come from rid.
// Errors name the field: "steps[2].kind: unknown step kind …".
func effectsFromWire(m *Message, rid pcie.RID) (member.Effects, error) {
	fx := member.Effects{ReadData: m.ReadData, Notes: m.Notes}
	for _, i := range m.Interrupts {
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: rid, Vector: i.Vector, Addr: uint64(i.Addr), Data: i.Data})
	}
	for _, c := range m.Completions {
		fx.Completions = append(fx.Completions, member.AdminCompletion{Tag: c.Tag, Status: spec.Status(c.Status),
			Qualifier: spec.Qualifier(c.Qualifier), Result: c.Result})
	}
	for i, t := range m.Timers {
		id, err := parseTimer(t.Timer)
		if err != nil {
			return fx, fmt.Errorf("timers[%d].timer: %w", i, err)
		}
		fx.Timers = append(fx.Timers, member.Timer{ID: id, Delay: t.Delay})
	}
	for i, s := range m.Steps {
		st, err := stepFromWire(s)
		if err != nil {
			return fx, fmt.Errorf("steps[%d].kind: %w", i, err)
		}
		fx.Steps = append(fx.Steps, st)
	}
	return fx, nil
}

// infoToWire fills a hello answer with a device's declaration.
func infoToWire(m *Message, info Info) {
	m.Name, m.Knobs = info.Name, info.Knobs
	if info.Type != TypeBlk {
		m.Type = info.Type
	}
	for _, e := range info.Editions {
		m.Editions = append(m.Editions, e.String())
	}
}

// infoFromHello reads a device's declaration, which names each edition
// and each knob value once. Errors name the field ("editions[1]: …",
// "knobs: …" with the knob), the first in the order of the editions and of
// the knobs' names.
func infoFromHello(m *Message) (Info, error) {
	info := Info{Name: m.Name, Knobs: map[string][]string{}}
	switch m.Type {
	case "", TypeBlk:
	case TypeNet:
		info.Type = TypeNet
	default:
		return Info{}, fmt.Errorf("type: unknown device type %q (want blk or net)", m.Type)
	}
	for i, s := range m.Editions {
		e, err := spec.ParseEdition(s)
		if err != nil {
			return Info{}, fmt.Errorf("editions[%d]: %w", i, err)
		}
		if j := slices.Index(info.Editions, e); j >= 0 {
			return Info{}, fmt.Errorf("editions[%d]: %s repeated (editions[%d])", i, e, j)
		}
		info.Editions = append(info.Editions, e)
	}
	names := make([]string, 0, len(m.Knobs))
	for name := range m.Knobs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		vals := m.Knobs[name]
		if len(vals) == 0 {
			// No value at all would skip every unit, the default's too.
			return Info{}, fmt.Errorf("knobs: %q: an empty list: name the values the device implements, or leave the knob out (its edition's default only)", name)
		}
		var r spec.Rules
		for i, v := range vals {
			if err := r.Set(name, v); err != nil {
				return Info{}, fmt.Errorf("knobs: %w", err)
			}
			if j := slices.Index(vals[:i], v); j >= 0 {
				return Info{}, fmt.Errorf("knobs: %q[%d]: %q repeated (%q[%d])", name, i, v, name, j)
			}
		}
		info.Knobs[name] = slices.Clone(vals)
	}
	return info, nil
}
