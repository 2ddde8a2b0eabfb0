package spec

import (
	"fmt"
	"strings"
)

// Edition selects which text migsim follows (docs/spec.md, "The two
// editions").
type Edition uint8

// Editions.
const (
	// Draft2023 is the 2023 seed proposal: Active/Stop/Freeze and a TLV
	// device context with incremental reads. Its opcode and field values are
	// simulator-assigned.
	Draft2023 Edition = iota + 1
	// Virtio14 is the merged device-parts text: running/stopped via
	// DEV_MODE_SET flags and device parts on resource objects.
	Virtio14
)

// Editions lists every edition in a stable order.
var Editions = []Edition{Draft2023, Virtio14}

var editionNames = map[Edition]string{Draft2023: "draft-2023", Virtio14: "virtio-1.4"}

// String returns draft-2023, virtio-1.4 or edition-n.
func (e Edition) String() string {
	if n, ok := editionNames[e]; ok {
		return n
	}
	return fmt.Sprintf("edition-%d", uint8(e))
}

// ParseEdition parses draft-2023 or virtio-1.4.
func ParseEdition(s string) (Edition, error) {
	for _, e := range Editions {
		if e.String() == s {
			return e, nil
		}
	}
	var want []string
	for _, e := range Editions {
		want = append(want, e.String())
	}
	msg := fmt.Sprintf("spec: unknown edition %q (want %s)", s, strings.Join(want, " or "))
	if near, ok := nearEdition(s); ok {
		msg += "; did you mean " + near.String() + "?"
	}
	return 0, fmt.Errorf("%s", msg)
}

// nearEdition returns the one edition a misspelt name most likely means:
// the one whose name, punctuation and case aside, equals s (virtio14,
// Draft_2023), starts with the letters s starts with (virtio-1.5,
// draft-2025) or, for s of digits alone, ends with them (1.4, 2023).
func nearEdition(s string) (Edition, bool) {
	got := foldName(s)
	if got == "" {
		return 0, false
	}
	letters := got
	if i := strings.IndexAny(got, "0123456789"); i >= 0 {
		letters = got[:i]
	}
	var same, found []Edition
	for _, e := range Editions {
		name := foldName(e.String())
		switch {
		case name == got:
			same = append(same, e)
		case letters != "" && strings.HasPrefix(name, letters),
			letters == "" && strings.HasSuffix(name, got):
			found = append(found, e)
		}
	}
	if len(same) == 1 {
		return same[0], true
	}
	if len(found) == 1 {
		return found[0], true
	}
	return 0, false
}

// foldName keeps s's ASCII letters, lower-cased, and digits: an edition's
// or a knob's name as a near miss compares it, whatever its case and
// separators (nearEdition, nearKnob).
func foldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Mode is a member device migration mode. The draft-2023 edition has
// Active, Stop and Freeze (values 0, 1, 2 on the wire); virtio-1.4 has
// running and stopped, which migsim represents as ModeActive and ModeStop.
type Mode uint8

// Modes.
const (
	ModeActive Mode = 0
	ModeStop   Mode = 1
	ModeFreeze Mode = 2
)

var modeNames = map[Mode]string{ModeActive: "Active", ModeStop: "Stop", ModeFreeze: "Freeze"}

// String returns the draft name: Active, Stop, Freeze or MODE_n. Use
// Edition.ModeName for the edition's own wording.
func (m Mode) String() string {
	if n, ok := modeNames[m]; ok {
		return n
	}
	return fmt.Sprintf("MODE_%d", uint8(m))
}

// Quiesced reports whether the mode forbids notifications and DMA
// (Stop, Freeze, stopped).
func (m Mode) Quiesced() bool { return m == ModeStop || m == ModeFreeze }

// ModeName names m in the edition's own words: Active/Stop/Freeze for
// draft-2023, running/stopped for virtio-1.4.
func (e Edition) ModeName(m Mode) string {
	if e == Virtio14 {
		switch m {
		case ModeActive:
			return "running"
		case ModeStop:
			return "stopped"
		}
	}
	return m.String()
}

// Modes lists the edition's modes.
func (e Edition) Modes() []Mode {
	if e == Virtio14 {
		return []Mode{ModeActive, ModeStop}
	}
	return []Mode{ModeActive, ModeStop, ModeFreeze}
}

// HasMode reports whether m is a mode of the edition.
func (e Edition) HasMode(m Mode) bool {
	for _, x := range e.Modes() {
		if x == m {
			return true
		}
	}
	return false
}

// TransitionAllowed reports whether the edition, under rules r, allows a
// DEV_MODE_SET from one mode to another. Repeating the current mode is
// always allowed (DP-DEV-13). virtio-1.4 allows any → stopped and any →
// running. draft-2023 allows every arc between its three modes with
// transitions=all, and only Active↔Stop↔Freeze with strict-chain.
func (e Edition) TransitionAllowed(r Rules, from, to Mode) bool {
	if !e.HasMode(from) || !e.HasMode(to) {
		return false
	}
	if from == to || e == Virtio14 {
		return true
	}
	if r.Transitions == TransitionsStrictChain {
		d := int(from) - int(to)
		return d == 1 || d == -1
	}
	return true
}
