// Package spectable is the document `migsim spec` prints: an edition's
// opcodes, group types, statuses and qualifiers, part or context field
// types, modes, mode transitions under a set of knobs, the knobs and the
// requirement catalog, collected from package spec and written as aligned
// text or JSON.
package spectable

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/migsim/migsim/spec"
)

// Doc is everything `migsim spec` prints for one edition, in print
// order. JSON field order is the struct order, so the output is stable.
type Doc struct {
	Edition     string       `json:"edition"`
	ValuesNote  string       `json:"values_note"`
	Opcodes     []Opcode     `json:"opcodes"`
	Groups      []Value      `json:"groups"`
	Statuses    []Value      `json:"statuses"`
	Qualifiers  []Value      `json:"qualifiers"`
	PartTypes   []Value      `json:"part_types,omitempty"`
	FieldTypes  []Value      `json:"field_types,omitempty"`
	Modes       []Mode       `json:"modes"`
	Transitions []Transition `json:"transitions"`
	Knobs       []Knob       `json:"knobs"`
	// OtherKnobs are the knobs of the other edition, which do not apply
	// to this one (spec.CheckKnobApplies says why).
	OtherKnobs   []string      `json:"knobs_not_applicable"`
	Requirements []Requirement `json:"requirements"`
}

// Opcode is one admin opcode of an edition.
type Opcode struct {
	Value             uint16   `json:"value"`
	Hex               string   `json:"hex"`
	Name              string   `json:"name"`
	Groups            []string `json:"groups"`
	Data              string   `json:"data"`
	Result            string   `json:"result"`
	SimulatorAssigned bool     `json:"simulator_assigned"`
}

// Value is one numbered name of a table (group type, status, qualifier,
// part or field type).
type Value struct {
	Value             uint32 `json:"value"`
	Hex               string `json:"hex"`
	Name              string `json:"name"`
	Note              string `json:"note,omitempty"`
	SimulatorAssigned bool   `json:"simulator_assigned,omitempty"`
}

// Mode is one migration mode of an edition.
type Mode struct {
	Value             uint8  `json:"value"`
	Name              string `json:"name"`
	Wire              string `json:"wire"`
	SimulatorAssigned bool   `json:"simulator_assigned"`
}

// Transition is one cell of the mode transition table.
type Transition struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Allowed bool   `json:"allowed"`
}

// Knob is one spec-variant knob with its value under the printed rules.
type Knob struct {
	Name     string   `json:"name"`
	Value    string   `json:"value"`
	Default  string   `json:"default"`
	Values   []string `json:"values"`
	Question string   `json:"question"`
}

// Requirement is one entry of the requirement catalog.
type Requirement struct {
	ID       string   `json:"id"`
	Level    string   `json:"level"`
	Side     string   `json:"side"`
	Text     string   `json:"text"`
	Source   string   `json:"source"`
	Editions []string `json:"editions"`
}

// Notes printed with the tables.
const (
	noteDraftValues = "opcode values 0x7..0xd, mode values and context field-type values are " +
		"simulator-assigned (docs/spec.md): the 2023 proposal published no stable values; " +
		"LIST_QUERY and LIST_USE keep the spec's 0x0 and 0x1"
	noteV14Values = "values are the spec's (virtio spec admin.tex, device-parts.tex) and match Linux's uapi"
	noteEEXIST    = "missing from the spec's status table; 17 is the Linux errno the spec says statuses follow"
	noteDraftMode = "mode values 0x3..0xff are rejected with EINVAL/INVALID_FIELD"
)

// hexValue is a Value printed in hex.
func hexValue(v uint32, name string) Value {
	return Value{Value: v, Hex: fmt.Sprintf("%#x", v), Name: name}
}

// Build collects the tables of edition e under rules r.
func Build(e spec.Edition, r spec.Rules) Doc {
	d := Doc{Edition: e.String(), ValuesNote: noteV14Values}
	draft := e == spec.Draft2023
	if draft {
		d.ValuesNote = noteDraftValues
	}
	for _, o := range e.Opcodes() {
		groups := make([]string, len(o.Groups))
		for i, g := range o.Groups {
			groups[i] = g.String()
		}
		d.Opcodes = append(d.Opcodes, Opcode{Value: o.Value, Hex: fmt.Sprintf("%#x", o.Value), Name: o.Name,
			Groups: groups, Data: o.Data, Result: o.Result, SimulatorAssigned: o.SimulatorAssigned})
	}
	for _, g := range spec.GroupTypes() {
		d.Groups = append(d.Groups, hexValue(uint32(g), g.String()))
	}
	for _, s := range spec.Statuses() {
		v := hexValue(uint32(s), s.String())
		if s == spec.StatusEEXIST {
			v.Note = noteEEXIST
		}
		d.Statuses = append(d.Statuses, v)
	}
	for _, q := range spec.Qualifiers() {
		d.Qualifiers = append(d.Qualifiers, hexValue(uint32(q), q.String()))
	}
	if draft {
		for _, f := range spec.FieldTypes() {
			v := hexValue(uint32(f), f.String())
			v.SimulatorAssigned = true
			d.FieldTypes = append(d.FieldTypes, v)
		}
		v := hexValue(uint32(spec.FieldDeviceTypeFirst), "DEVICE_TYPE")
		v.Note = fmt.Sprintf("device-type specific range %#x..%#x", uint32(spec.FieldDeviceTypeFirst),
			uint32(spec.FieldDeviceTypeLast))
		v.SimulatorAssigned = true
		d.FieldTypes = append(d.FieldTypes, v)
		for _, f := range []spec.FieldType{spec.FieldNetCVQ, spec.FieldNetInflight} {
			v := hexValue(uint32(f), spec.FieldTypeName(f, spec.VirtioDeviceIDNet))
			v.Note = "device-type field; virtio-net only"
			v.SimulatorAssigned = true
			d.FieldTypes = append(d.FieldTypes, v)
		}
	} else {
		for _, p := range spec.PartTypes() {
			v := hexValue(uint32(p), p.String())
			if p.PartOrder() > 0 {
				v.Note = fmt.Sprintf("order %d", p.PartOrder())
			}
			switch p {
			case spec.PartDevFeatures:
				v.Note += "; OPTIONAL"
			case spec.PartNetCVQCfg:
				v.Note += ", device-type parts last; virtio-net only"
			}
			d.PartTypes = append(d.PartTypes, v)
		}
	}
	for _, m := range e.Modes() {
		d.Modes = append(d.Modes, Mode{Value: uint8(m), Name: e.ModeName(m), Wire: e.ModeWire(m),
			SimulatorAssigned: draft})
	}
	for _, t := range e.TransitionTable(r).Transitions() {
		d.Transitions = append(d.Transitions, Transition{From: e.ModeName(t.From), To: e.ModeName(t.To),
			Allowed: t.Allowed})
	}
	def := spec.DefaultRules(e)
	for _, k := range spec.Knobs {
		if !k.AppliesTo(e) {
			d.OtherKnobs = append(d.OtherKnobs, k.Name)
			continue
		}
		d.Knobs = append(d.Knobs, Knob{Name: k.Name, Value: k.Get(r), Default: k.Get(def),
			Values: append([]string(nil), k.Values...), Question: k.Question})
	}
	for _, q := range spec.RequirementsFor(e) {
		eds := make([]string, len(q.Editions))
		for i, x := range q.Editions {
			eds[i] = x.String()
		}
		d.Requirements = append(d.Requirements, Requirement{ID: q.ID, Level: q.Level, Side: q.Side,
			Text: q.Text, Source: q.Source, Editions: eds})
	}
	return d
}

// WriteJSON writes one edition as an object, or both as
// {"editions": [...]}.
func WriteJSON(w io.Writer, docs []Doc, single bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if single {
		return enc.Encode(docs[0])
	}
	return enc.Encode(struct {
		Editions []Doc `json:"editions"`
	}{docs})
}

// WriteText writes each edition's tables as aligned text sections.
func WriteText(w io.Writer, docs []Doc, editions []spec.Edition, rules []spec.Rules) error {
	var b strings.Builder
	for i, d := range docs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeEditionText(&b, d, editions[i], rules[i])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeEditionText writes one edition's sections.
func writeEditionText(b *strings.Builder, d Doc, e spec.Edition, r spec.Rules) {
	fmt.Fprintf(b, "== edition %s ==\n", d.Edition)
	fmt.Fprintf(b, "values: %s\n", d.ValuesNote)

	title := "opcodes"
	if e == spec.Draft2023 {
		title = "opcodes (* = simulator-assigned value)"
	}
	section(b, title, func(tw *tabwriter.Writer) {
		fmt.Fprintln(tw, "  HEX\tDEC\tNAME\tGROUPS\tDATA -> RESULT")
		for _, o := range d.Opcodes {
			mark := ""
			if o.SimulatorAssigned {
				mark = "*"
			}
			fmt.Fprintf(tw, "  %s%s\t%d\t%s\t%s\t%s -> %s\n", o.Hex, mark, o.Value, o.Name,
				strings.Join(o.Groups, ","), o.Data, o.Result)
		}
	})
	valueSection(b, "group types", d.Groups, false)
	valueSection(b, "status codes (decimal, Linux errno)", d.Statuses, true)
	valueSection(b, "status qualifiers", d.Qualifiers, false)
	if len(d.PartTypes) > 0 {
		valueSection(b, "device part types (flags bit 0 = OPTIONAL; order = required GET/SET order)", d.PartTypes, false)
	}
	if len(d.FieldTypes) > 0 {
		valueSection(b, "device context field types (draft, simulator-assigned)", d.FieldTypes, false)
	}
	section(b, "modes", func(tw *tabwriter.Writer) {
		for _, m := range d.Modes {
			fmt.Fprintf(tw, "  %s\t%s\n", m.Name, m.Wire)
		}
	})
	if e == spec.Draft2023 {
		fmt.Fprintf(b, "  %s\n", noteDraftMode)
	}
	fmt.Fprintf(b, "\nmode transitions (DEV_MODE_SET from row to column; %s):\n", transitionsNote(e, r))
	b.WriteString(e.TransitionTable(r).Text())
	section(b, "knobs", func(tw *tabwriter.Writer) {
		fmt.Fprintln(tw, "  KNOB\tVALUE\tDEFAULT\tALLOWED\tQUESTION")
		for _, k := range d.Knobs {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", k.Name, k.Value, k.Default, strings.Join(k.Values, "|"), k.Question)
		}
	})
	if len(d.OtherKnobs) > 0 {
		fmt.Fprintf(b, "  not applicable to %s (another edition's; refused on an expect line and by --knob): %s\n",
			d.Edition, strings.Join(d.OtherKnobs, ", "))
	}
	section(b, fmt.Sprintf("requirements (%d)", len(d.Requirements)), func(tw *tabwriter.Writer) {
		for _, q := range d.Requirements {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s [%s]\n", q.ID, q.Level, q.Side, q.Text, q.Source)
		}
	})
}

// transitionsNote says which knob shapes the transition table.
func transitionsNote(e spec.Edition, r spec.Rules) string {
	if e == spec.Virtio14 {
		return "any mode to any mode; the transitions knob does not apply"
	}
	for _, k := range spec.Knobs {
		if k.Name == "transitions" {
			return "transitions=" + k.Get(r)
		}
	}
	return ""
}

// section writes a titled block whose rows are aligned by a tabwriter.
func section(b *strings.Builder, title string, rows func(*tabwriter.Writer)) {
	fmt.Fprintf(b, "\n%s:\n", title)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	rows(tw)
	_ = tw.Flush() // writes to a strings.Builder cannot fail
}

// valueSection writes one value per line, in hex, or in decimal when
// decimal is set (status codes are errno numbers).
func valueSection(b *strings.Builder, title string, vs []Value, decimal bool) {
	section(b, title, func(tw *tabwriter.Writer) {
		for _, v := range vs {
			num := v.Hex
			if decimal {
				num = fmt.Sprint(v.Value)
			}
			note := v.Note
			if note != "" {
				note = "  (" + note + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s%s\n", num, v.Name, note)
		}
	})
}
