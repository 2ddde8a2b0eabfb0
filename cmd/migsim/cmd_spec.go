package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/spec"
)

func init() {
	register(command{
		name:    "spec",
		summary: "print an edition's opcodes, statuses, parts, modes, transitions, knobs and requirements",
		run:     runSpec,
	})
}

const specUsage = `usage: migsim spec [--spec draft-2023|virtio-1.4] [--format text|json|dot] [--knob key=value ...]

Prints the tables migsim follows for an edition: the admin opcodes (hex and
decimal, groups, data -> result), group types, status codes and qualifiers,
device part types (virtio-1.4) or context field types (draft-2023), the modes,
the mode transition table under the given knobs, every knob with its edition
default and allowed values, and the requirement catalog.

draft-2023 opcode, mode and field-type values are simulator-assigned: the 2023
proposal published no stable values (docs/spec.md, "The two editions").

Without --spec, text and json print both editions; dot prints draft-2023 (one
digraph per output), so pass --spec virtio-1.4 for the other mode machine.

flags:
`

// runSpec implements `migsim spec`.
func runSpec(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("spec", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	edition := fs.String("spec", "", "edition: draft-2023 or virtio-1.4 (default: both; draft-2023 for --format dot)")
	format := fs.String("format", "text", "output format: text, json or dot")
	knobs := fs.StringArray("knob", nil, "set a knob, key=value; repeatable (the knobs table lists them)")
	fs.Usage = func() {
		fmt.Fprint(stderr, specUsage)
		fs.PrintDefaults()
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "migsim spec: "+format+"\n", a...)
		fmt.Fprintln(stderr, "run 'migsim spec --help' for usage")
		return exitUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *format != "text" && *format != "json" && *format != "dot" {
		return usageErr("unknown format %q (want text, json or dot)", *format)
	}
	editions := spec.Editions
	switch {
	case *edition != "":
		e, err := spec.ParseEdition(*edition)
		if err != nil {
			return usageErr("%v", err)
		}
		editions = []spec.Edition{e}
	case *format == "dot":
		editions = []spec.Edition{spec.Draft2023}
	}
	docs := make([]specDoc, 0, len(editions))
	rules := make([]spec.Rules, 0, len(editions))
	for _, e := range editions {
		r, err := spec.ParseRules(e, *knobs)
		if err != nil {
			return usageErr("%v", err)
		}
		rules = append(rules, r)
		docs = append(docs, buildSpecDoc(e, r))
	}

	var err error
	switch *format {
	case "dot":
		_, err = io.WriteString(stdout, editions[0].TransitionTable(rules[0]).DOT())
	case "json":
		err = writeSpecJSON(stdout, docs, *edition != "")
	default:
		err = writeSpecText(stdout, docs, editions, rules)
	}
	if err != nil {
		fmt.Fprintf(stderr, "migsim spec: write: %v\n", err)
		return exitFinding
	}
	return exitOK
}

// specDoc is everything `migsim spec` prints for one edition, in print
// order. JSON field order is the struct order, so the output is stable.
type specDoc struct {
	Edition      string            `json:"edition"`
	ValuesNote   string            `json:"values_note"`
	Opcodes      []specOpcode      `json:"opcodes"`
	Groups       []specValue       `json:"groups"`
	Statuses     []specValue       `json:"statuses"`
	Qualifiers   []specValue       `json:"qualifiers"`
	PartTypes    []specValue       `json:"part_types,omitempty"`
	FieldTypes   []specValue       `json:"field_types,omitempty"`
	Modes        []specMode        `json:"modes"`
	Transitions  []specTransition  `json:"transitions"`
	Knobs        []specKnob        `json:"knobs"`
	Requirements []specRequirement `json:"requirements"`
}

type specOpcode struct {
	Value             uint16   `json:"value"`
	Hex               string   `json:"hex"`
	Name              string   `json:"name"`
	Groups            []string `json:"groups"`
	Data              string   `json:"data"`
	Result            string   `json:"result"`
	SimulatorAssigned bool     `json:"simulator_assigned"`
}

type specValue struct {
	Value             uint32 `json:"value"`
	Hex               string `json:"hex"`
	Name              string `json:"name"`
	Note              string `json:"note,omitempty"`
	SimulatorAssigned bool   `json:"simulator_assigned,omitempty"`
}

type specMode struct {
	Value             uint8  `json:"value"`
	Name              string `json:"name"`
	Wire              string `json:"wire"`
	SimulatorAssigned bool   `json:"simulator_assigned"`
}

type specTransition struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Allowed bool   `json:"allowed"`
}

type specKnob struct {
	Name     string   `json:"name"`
	Value    string   `json:"value"`
	Default  string   `json:"default"`
	Values   []string `json:"values"`
	Question string   `json:"question"`
}

type specRequirement struct {
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

func specHexValue(v uint32, name string) specValue {
	return specValue{Value: v, Hex: fmt.Sprintf("%#x", v), Name: name}
}

func buildSpecDoc(e spec.Edition, r spec.Rules) specDoc {
	d := specDoc{Edition: e.String(), ValuesNote: noteV14Values}
	draft := e == spec.Draft2023
	if draft {
		d.ValuesNote = noteDraftValues
	}
	for _, o := range e.Opcodes() {
		groups := make([]string, len(o.Groups))
		for i, g := range o.Groups {
			groups[i] = g.String()
		}
		d.Opcodes = append(d.Opcodes, specOpcode{Value: o.Value, Hex: fmt.Sprintf("%#x", o.Value), Name: o.Name,
			Groups: groups, Data: o.Data, Result: o.Result, SimulatorAssigned: o.SimulatorAssigned})
	}
	for _, g := range spec.GroupTypes() {
		d.Groups = append(d.Groups, specHexValue(uint32(g), g.String()))
	}
	for _, s := range spec.Statuses() {
		v := specHexValue(uint32(s), s.String())
		if s == spec.StatusEEXIST {
			v.Note = noteEEXIST
		}
		d.Statuses = append(d.Statuses, v)
	}
	for _, q := range spec.Qualifiers() {
		d.Qualifiers = append(d.Qualifiers, specHexValue(uint32(q), q.String()))
	}
	if draft {
		for _, f := range spec.FieldTypes() {
			v := specHexValue(uint32(f), f.String())
			v.SimulatorAssigned = true
			d.FieldTypes = append(d.FieldTypes, v)
		}
		v := specHexValue(uint32(spec.FieldDeviceTypeFirst), "DEVICE_TYPE")
		v.Note = fmt.Sprintf("device-type specific range %#x..%#x", uint32(spec.FieldDeviceTypeFirst),
			uint32(spec.FieldDeviceTypeLast))
		v.SimulatorAssigned = true
		d.FieldTypes = append(d.FieldTypes, v)
	} else {
		for _, p := range spec.PartTypes() {
			v := specHexValue(uint32(p), p.String())
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
		d.Modes = append(d.Modes, specMode{Value: uint8(m), Name: e.ModeName(m), Wire: e.ModeWire(m),
			SimulatorAssigned: draft})
	}
	for _, t := range e.TransitionTable(r).Transitions() {
		d.Transitions = append(d.Transitions, specTransition{From: e.ModeName(t.From), To: e.ModeName(t.To),
			Allowed: t.Allowed})
	}
	def := spec.DefaultRules(e)
	for _, k := range spec.Knobs {
		d.Knobs = append(d.Knobs, specKnob{Name: k.Name, Value: k.Get(r), Default: k.Get(def),
			Values: append([]string(nil), k.Values...), Question: k.Question})
	}
	for _, q := range spec.RequirementsFor(e) {
		eds := make([]string, len(q.Editions))
		for i, x := range q.Editions {
			eds[i] = x.String()
		}
		d.Requirements = append(d.Requirements, specRequirement{ID: q.ID, Level: q.Level, Side: q.Side,
			Text: q.Text, Source: q.Source, Editions: eds})
	}
	return d
}

// writeSpecJSON writes one edition as an object, or both as
// {"editions": [...]}.
func writeSpecJSON(w io.Writer, docs []specDoc, single bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if single {
		return enc.Encode(docs[0])
	}
	return enc.Encode(struct {
		Editions []specDoc `json:"editions"`
	}{docs})
}

// writeSpecText writes each edition's tables as aligned text sections.
func writeSpecText(w io.Writer, docs []specDoc, editions []spec.Edition, rules []spec.Rules) error {
	var b strings.Builder
	for i, d := range docs {
		if i > 0 {
			b.WriteString("\n")
		}
		writeSpecEditionText(&b, d, editions[i], rules[i])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSpecEditionText(b *strings.Builder, d specDoc, e spec.Edition, r spec.Rules) {
	fmt.Fprintf(b, "== edition %s ==\n", d.Edition)
	fmt.Fprintf(b, "values: %s\n", d.ValuesNote)

	title := "opcodes"
	if e == spec.Draft2023 {
		title = "opcodes (* = simulator-assigned value)"
	}
	specSection(b, title, func(tw *tabwriter.Writer) {
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
	specValueSection(b, "group types", d.Groups, false)
	specValueSection(b, "status codes (decimal, Linux errno)", d.Statuses, true)
	specValueSection(b, "status qualifiers", d.Qualifiers, false)
	if len(d.PartTypes) > 0 {
		specValueSection(b, "device part types (flags bit 0 = OPTIONAL; order = required GET/SET order)", d.PartTypes, false)
	}
	if len(d.FieldTypes) > 0 {
		specValueSection(b, "device context field types (draft, simulator-assigned)", d.FieldTypes, false)
	}
	specSection(b, "modes", func(tw *tabwriter.Writer) {
		for _, m := range d.Modes {
			fmt.Fprintf(tw, "  %s\t%s\n", m.Name, m.Wire)
		}
	})
	if e == spec.Draft2023 {
		fmt.Fprintf(b, "  %s\n", noteDraftMode)
	}
	fmt.Fprintf(b, "\nmode transitions (DEV_MODE_SET from row to column; %s):\n", transitionsNote(e, r))
	b.WriteString(e.TransitionTable(r).Text())
	specSection(b, "knobs", func(tw *tabwriter.Writer) {
		fmt.Fprintln(tw, "  KNOB\tVALUE\tDEFAULT\tALLOWED\tQUESTION")
		for _, k := range d.Knobs {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", k.Name, k.Value, k.Default, strings.Join(k.Values, "|"), k.Question)
		}
	})
	specSection(b, fmt.Sprintf("requirements (%d)", len(d.Requirements)), func(tw *tabwriter.Writer) {
		for _, q := range d.Requirements {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s [%s]\n", q.ID, q.Level, q.Side, q.Text, q.Source)
		}
	})
}

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

// specSection writes a titled block whose rows are aligned by a tabwriter.
func specSection(b *strings.Builder, title string, rows func(*tabwriter.Writer)) {
	fmt.Fprintf(b, "\n%s:\n", title)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	rows(tw)
	_ = tw.Flush() // writes to a strings.Builder cannot fail
}

// specValueSection writes one value per line, in hex, or in decimal when
// decimal is set (status codes are errno numbers).
func specValueSection(b *strings.Builder, title string, vs []specValue, decimal bool) {
	specSection(b, title, func(tw *tabwriter.Writer) {
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
