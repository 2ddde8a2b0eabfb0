package spec

import (
	"fmt"
	"strings"
)

// knobScope is a knob that settles a question of one edition's text only,
// and why the other edition has nothing for it to settle.
type knobScope struct {
	only Edition
	why  string
}

// knobScopes are the knobs that apply to one edition (docs/spec.md,
// "Knobs"); every other knob applies to both. A knob that does not apply
// changes nothing in a run of the other edition, so a row that names it
// would judge the default row again under another name.
var knobScopes = map[string]knobScope{
	"read": {Draft2023, "virtio-1.4 has no incremental read: DEV_PARTS_GET returns every part " +
		"(admin-cmds-device-parts.tex)"},
	"freeze-notify": {Draft2023, "virtio-1.4 has no Freeze"},
	"transitions":   {Draft2023, "virtio-1.4 allows any mode to any mode (DEV_MODE_SET flags bit 0)"},
	"reexec": {Draft2023, "virtio-1.4 writes every taken buffer back before the stop completes " +
		"(DP-DEV-09): a destination has nothing to execute again"},
	"cap-group": {Virtio14, "draft-2023 has no capability commands: its owner driver sends " +
		"LIST_QUERY and LIST_USE only"},
}

// AppliesTo reports whether the knob settles something under edition e;
// a knob that does not apply is not accepted for it (ParseRules).
func (k Knob) AppliesTo(e Edition) bool {
	s, ok := knobScopes[k.Name]
	return !ok || s.only == e
}

// KnobsFor lists the knobs that apply to edition e, in Knobs order.
func KnobsFor(e Edition) []Knob {
	var out []Knob
	for _, k := range Knobs {
		if k.AppliesTo(e) {
			out = append(out, k)
		}
	}
	return out
}

// KnobNamesFor lists the names of the knobs that apply to edition e.
func KnobNamesFor(e Edition) []string {
	var out []string
	for _, k := range KnobsFor(e) {
		out = append(out, k.Name)
	}
	return out
}

// CheckKnobApplies returns nil when knob name applies to edition e, or an
// error naming the knob, the edition, why it does not apply and the knobs
// that do. An unknown name is not its concern (Rules.Set reports it).
func CheckKnobApplies(e Edition, name string) error {
	s, ok := knobScopes[name]
	if !ok || s.only == e {
		return nil
	}
	return fmt.Errorf("knob %s does not apply to %s (only to %s: %s); %s knobs: %s",
		name, e, s.only, s.why, e, strings.Join(KnobNamesFor(e), ", "))
}
