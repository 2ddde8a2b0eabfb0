package trace

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/migsim/migsim/docs"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// DefaultReportSteps is how many steps of the finding's causal slice a
// report shows (its step list and sequence diagram).
const DefaultReportSteps = 12

// Report is everything a finding report says (WriteReport).
type Report struct {
	// Schedule is the replayed schedule; SchedulePath the path the replay
	// command names.
	Schedule     *schedfile.Schedule
	SchedulePath string
	// Scenario is the schedule's scenario (title, question, explanation,
	// requirements, expectations); nil leaves those out.
	Scenario *scenario.Scenario
	// Result is the replayed run and Events its recorded trace.
	Result engine.Result
	Events []record.TraceEvent
	// Steps is how many scheduler steps before the finding the step list
	// and the sequence diagram show (DefaultReportSteps when 0).
	Steps int
	// PcapngFile and DOTFile name the files written beside the report
	// (empty: not written), for the report's links.
	PcapngFile, DOTFile string
	// PcapngPath is PcapngFile as the command line that wrote the report
	// reaches it (DIR/NAME.pcapng), for the Reproduce section's tshark
	// command, which runs where migsim replay SchedulePath does; empty:
	// PcapngFile.
	PcapngPath string
	// DissectorPath is the Wireshark dissector written beside the pcapng
	// (DIR/migsim.lua), reached as PcapngPath is, for the tshark command;
	// empty: none was written, and the Reproduce section writes it first
	// with `migsim dissector --out migsim.lua`, so that the command works
	// in any directory, not only in the source tree's root.
	DissectorPath string
	// Why is the explanation of the finding: the orderings of two steps
	// it needs (docs/engine.md, "Explaining"); nil when it was not
	// explained, and WhyNone then says why.
	Why     *Why
	WhyNone string
	// Slice is the finding's causal slice narrowed by running
	// (explain.NarrowSlice: scheduler step indices, ascending), set when
	// Why has no ordering and the narrowing kept the finding: the step
	// list and the sequence diagram then show its steps (and the steps
	// the verdict cites) in place of the causal slice's last steps, which
	// say nothing of the finding when the slice is every step. nil: not
	// narrowed.
	Slice []int
	// Device names the device under test the run was made with
	// ("exec:./extblk"), empty for the reference devices; Reproduce then
	// lists the commands that replay and trace the run with it, in place
	// of `migsim replay` and `migsim trace` (the pcapng export to
	// run.pcapng too when PcapngFile is empty).
	Device    string
	Reproduce []string
	// DeviceFlags are the flags that name Device on the command line
	// (`--device exec:./extblk --timeout 7s -- -v`): the Scenario table
	// shows them when they say more than the name (an exec device's
	// arguments and deadline, without which the run is another device's),
	// and the Run without migration section's commands use them. Empty
	// when the command line cannot name the device.
	DeviceFlags string
	// FoundBy says how the schedule was found: the command line that runs
	// its exploration again, or, when the file does not record it, why
	// not (package catalog/foundby, Origin.Text); the Scenario table
	// shows it when set.
	FoundBy string
	// WithoutMigration is the comparison with the run without migration
	// (package catalog/control's summary: that run's oracles, the
	// replayed run, the first difference of the two guest logs and where
	// the fault lies), written under "Run without migration" after Why;
	// empty leaves the section out.
	WithoutMigration string
	// Charge is what the conformance kit charges the finding, for a
	// counterexample the kit wrote; the finding's requirements are then
	// marked with it (Charge.Mark) and the Requirements section lists
	// them charged or involved, not charged. nil: the catalog's view,
	// broken or involved.
	Charge *Charge
}

// Why is what a report says of the orderings a finding needs: the
// explanation's summary line and each ordering, in the explanation's
// order. Moved is set when at least one step was moved both ways (the
// summary is then a result, not only why there is none).
type Why struct {
	Text   string
	Orders []WhyOrder
	Moved  bool
}

// WhyOrder is one ordering: the scheduler step at index Before (from 0,
// shown as engine.ShownStep(Before); its label) must come before step After
// for the finding to happen; Instead names the oracle that fired instead
// when the reversed run had another finding, InsteadMessage its message
// when that oracle is the finding's own, for another reason (the
// transparent oracle reports any difference of the guest's log, and the
// reversed run's was not the one reported).
type WhyOrder struct {
	Before, After           int
	BeforeLabel, AfterLabel string
	Instead, InsteadMessage string
}

// flowErrorPrefix starts the oracle field of a flow error's finding
// ("error:owner-reset"; oracle.ErrorPrefix, which this package does not
// import): the hypervisor's flow stopped with an error, a verdict of its
// own and no oracle's violation (docs/oracles.md).
const flowErrorPrefix = "error:"

// isFlowError reports whether a finding is a flow error.
func isFlowError(f *engine.Finding) bool { return strings.HasPrefix(f.Oracle, flowErrorPrefix) }

// ReportSections are the second-level headings of every report, in
// order; a report that sets WithoutMigration has "Run without migration"
// after Why (ControlSection).
var ReportSections = []string{"Verdict", "Why", "Scenario", "Requirements", "Steps before the finding",
	"Sequence diagram", "Mode timeline", "Mode graph", "Reproduce"}

// ControlSection is the heading of the section a report has when it sets
// WithoutMigration.
const ControlSection = "Run without migration"

// WriteReport writes a finding report in Markdown, ready to paste into a
// spec discussion or an issue tracker (Mermaid blocks render on GitHub):
// the verdict, the orderings the finding needs, the comparison with the
// run without migration (when the report has one), the scenario and its
// knobs, the requirements with their text, the last steps before the finding, a sequence diagram, the mode
// timeline, the mode graph and the commands that reproduce it.
func WriteReport(w io.Writer, r *Report) error {
	if r == nil || r.Schedule == nil {
		return fmt.Errorf("trace: report: no schedule")
	}
	sc := r.Schedule
	steps := r.Steps
	if steps <= 0 {
		steps = DefaultReportSteps
	}
	ed, err := spec.ParseEdition(sc.Edition)
	if err != nil {
		return fmt.Errorf("trace: report: %w", err)
	}
	f := r.Result.Finding
	var b strings.Builder
	title := "no finding"
	if f != nil {
		title = "`" + f.Oracle + "`"
	}
	fmt.Fprintf(&b, "# migsim: %s in %s (%s)\n\n", title, sc.Scenario, knobsText(sc))
	if r.Scenario != nil && r.Scenario.Title != "" {
		fmt.Fprintf(&b, "%s\n\n", r.Scenario.Title)
	}

	b.WriteString("## Verdict\n\n")
	switch {
	case f.StepBound():
		fmt.Fprintf(&b, "**Step bound reached** after step %d: %s. No oracle judged the run: "+
			"it is a livelock or only longer than the bound, which a larger `--max-steps` tells apart.\n\n",
			FindingEventStep(f), f.Message)
	case f != nil && isFlowError(f):
		fmt.Fprintf(&b, "**Flow error `%s`**: the hypervisor's migration flow stopped with an error no oracle "+
			"claimed, judged when the run ended (after step %d): %s\n\n",
			strings.TrimPrefix(f.Oracle, flowErrorPrefix), FindingEventStep(f), f.Message)
	case f != nil:
		fmt.Fprintf(&b, "**Violation of `%s`** after step %d: %s\n\n",
			f.Oracle, FindingEventStep(f), f.Message)
	}
	if f != nil {
		if len(f.Actors) > 0 {
			fmt.Fprintf(&b, "Actors involved: %s.\n\n", codeList(f.Actors))
		}
		if f.Impact != "" {
			fmt.Fprintf(&b, "Impact: **%s**", f.Impact)
			if f.ImpactWhy != "" {
				fmt.Fprintf(&b, " (%s)", f.ImpactWhy)
			}
			b.WriteString(" (docs/oracles.md, \"Impact of a finding\").\n\n")
		}
	} else {
		b.WriteString("**Pass**: the run ends without a finding.\n\n")
	}
	if exp := expectation(r.Scenario, ed, sc); exp != nil {
		want := exp.Verdict.String()
		if exp.Oracle != "" {
			want += " " + exp.Oracle
		}
		fmt.Fprintf(&b, "The scenario expects **%s** here", want)
		if exp.Note != "" {
			fmt.Fprintf(&b, " (%s)", exp.Note)
		}
		b.WriteString(".\n\n")
	}

	writeWhy(&b, r)
	writeControl(&b, r)

	b.WriteString("## Scenario\n\n")
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| scenario | `%s`", sc.Scenario)
	if r.Scenario != nil && r.Scenario.Question > 0 {
		fmt.Fprintf(&b, " (seed question %d)", r.Scenario.Question)
	}
	b.WriteString(" |\n")
	if r.Device != "" {
		fmt.Fprintf(&b, "| device | `%s`", r.Device)
		if r.DeviceFlags != "" && r.DeviceFlags != "--device "+shellquote.Quote(r.Device) {
			fmt.Fprintf(&b, " (`%s`)", r.DeviceFlags)
		}
		b.WriteString(" |\n")
	}
	fmt.Fprintf(&b, "| edition | `%s` |\n", sc.Edition)
	fmt.Fprintf(&b, "| knobs | %s |\n", orDefault(sc.Knobs, "edition defaults"))
	fmt.Fprintf(&b, "| settings | %s |\n", orDefault(sc.Settings, "scenario's own"))
	fmt.Fprintf(&b, "| seed | `%d` |\n", sc.Seed)
	fmt.Fprintf(&b, "| schedule | %s, %s, strategy %s, trace hash `%s` |\n",
		plural.Count(sc.Steps, "step"), plural.Count(sc.Preemptions, "preemption"), sc.Strategy, sc.TraceHash)
	if r.FoundBy != "" {
		fmt.Fprintf(&b, "| found by | %s |\n", foundByCell(r.FoundBy))
	}
	b.WriteString("\n")
	if r.Scenario != nil && len(r.Scenario.Explain) > 0 {
		fmt.Fprintf(&b, "%s\n\n", strings.Join(r.Scenario.Explain, " "))
	}

	b.WriteString("## Requirements\n\n")
	writeRequirements(&b, r, ed)

	shown, intro, rng := reportSteps(r, steps)
	var sel []record.TraceEvent
	for _, e := range r.Events {
		if shown[e.Step] {
			sel = append(sel, e)
		}
	}
	sel, lines := collapseElsewhere(sel, f)
	b.WriteString("## Steps before the finding\n\n")
	b.WriteString(intro + " " + eventsIntro(len(lines) > len(sel), f) + "\n\n")
	b.WriteString("```text\n")
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString("```\n\n")

	b.WriteString("## Sequence diagram\n\n```mermaid\n")
	if err := writeMermaid(&b, sel, f, rng); err != nil {
		return err
	}
	b.WriteString("```\n\n")

	b.WriteString("## Mode timeline\n\n")
	b.WriteString("Each member's migration mode over the whole run, as the member reports it after each event " +
		"(state records), with any FLR or virtio reset in progress.\n\n```mermaid\n")
	if err := WriteTimelineGantt(&b, r.Events, "Mode timeline, x axis in scheduler steps"); err != nil {
		return err
	}
	b.WriteString("```\n\n```text\n")
	if err := WriteTimelineText(&b, r.Events); err != nil {
		return err
	}
	b.WriteString("```\n\n")

	b.WriteString("## Mode graph\n\n")
	writeModeArcs(&b, r.Events, ed)
	if r.DOTFile != "" {
		fmt.Fprintf(&b, "The %s mode machine with these transitions drawn on it: [`%s`](%s) "+
			"(`dot -Tsvg %s -o mode-graph.svg`).\n\n", ed, r.DOTFile, r.DOTFile, r.DOTFile)
	}

	b.WriteString("## Reproduce\n\n```sh\n")
	reproduce, pcap := r.Reproduce, r.PcapngPath
	if pcap == "" {
		pcap = r.PcapngFile
	}
	if pcap == "" {
		pcap = "run.pcapng"
	}
	if r.Device == "" {
		reproduce = []string{"migsim replay " + shellquote.Quote(r.SchedulePath),
			"migsim trace " + shellquote.Quote(r.SchedulePath) + " --format text"}
		if r.PcapngFile == "" {
			reproduce = append(reproduce, "migsim trace "+shellquote.Quote(r.SchedulePath)+" --format pcapng --out "+pcap)
		}
	}
	for _, c := range reproduce {
		fmt.Fprintln(&b, c)
	}
	lua := r.DissectorPath
	if lua == "" {
		lua = docs.DissectorFile
		fmt.Fprintln(&b, "migsim dissector --out "+lua)
	}
	// -N n shows the endpoints' names (the file's name resolution block)
	// in the Source and Destination columns, not their 10.x addresses.
	fmt.Fprintf(&b, "tshark -N n -X %s -r %s -Y 'migsim.kind == 6 || migsim.kind == 7'\n", shellquote.Quote("lua_script:"+lua), shellquote.Quote(pcap))
	b.WriteString("```\n")
	if r.PcapngFile != "" {
		with := "the dissector `migsim dissector` writes"
		if r.DissectorPath != "" {
			with = "[`" + docs.DissectorFile + "`](" + docs.DissectorFile + ") beside it, the dissector `migsim dissector` writes"
		}
		fmt.Fprintf(&b, "\nThe trace is in [`%s`](%s) (Wireshark with %s; docs/traces.md).\n",
			r.PcapngFile, r.PcapngFile, with)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("trace: report: %w", err)
	}
	return nil
}

// writeWhy writes the Why section: the orderings of two steps the finding
// needs, or why there are none to show.
func writeWhy(b *strings.Builder, r *Report) {
	b.WriteString("## Why\n\n")
	switch {
	case r.Result.Finding == nil:
		b.WriteString("Nothing to explain: the run ends without a finding.\n\n")
		return
	case r.Why == nil:
		none := r.WhyNone
		if none == "" {
			none = "not explained"
		}
		fmt.Fprintf(b, "%s.\n\n", upperFirst(none))
		return
	}
	fmt.Fprintf(b, "%s.\n\n", upperFirst(r.Why.Text))
	for _, o := range r.Why.Orders {
		fmt.Fprintf(b, "- step %d `%s`%s before step %d `%s`%s",
			engine.ShownStep(o.Before), o.BeforeLabel, StepAdmin(r.Events, o.Before),
			engine.ShownStep(o.After), o.AfterLabel, StepAdmin(r.Events, o.After))
		switch {
		case o.InsteadMessage != "":
			fmt.Fprintf(b, " (reversed: `%s` instead, for another reason: %s)", o.Instead, o.InsteadMessage)
		case o.Instead != "":
			fmt.Fprintf(b, " (reversed: `%s` instead)", o.Instead)
		}
		b.WriteString("\n")
	}
	if len(r.Why.Orders) > 0 {
		b.WriteString("\n")
	}
	if !r.Why.Moved {
		return
	}
	b.WriteString("An ordering names two steps of this run whose order the finding needs: the run with only " +
		"those two reversed, every other step in its recorded order as far as the run allows, ends without it. " +
		"\"Needs\" means that one reversal; other completions of the reversed pair are not explored, and a " +
		"finding no single moved step loses shows no ordering (docs/engine.md, \"Explaining\"; " +
		"`" + explainCommand(r) + "` prints the same).\n\n")
}

// writeControl writes the Run without migration section of a report that
// has the comparison.
func writeControl(b *strings.Builder, r *Report) {
	if r.WithoutMigration == "" {
		return
	}
	fmt.Fprintf(b, "## %s\n\n", ControlSection)
	b.WriteString("The finding compares the guest's log with the run without migration: the same scenario, " +
		"programs, settings and seed, the hypervisor's migration operations skipped (docs/traces.md, " +
		"\"The run without migration\"). That run judged by the oracles, the first entry where the two guest " +
		"logs differ and where the fault lies:\n\n```text\n")
	b.WriteString(r.WithoutMigration)
	if !strings.HasSuffix(r.WithoutMigration, "\n") {
		b.WriteString("\n")
	}
	path := shellquote.Quote(r.SchedulePath)
	device := ""
	switch {
	case r.DeviceFlags != "":
		device = " " + r.DeviceFlags
	case r.Device != "":
		device = " --device DEVICE"
	}
	fmt.Fprintf(b, "```\n\n`migsim replay %s --without-migration%s` prints the same; `migsim trace %s "+
		"--without-migration%s` adds that run's guest log and trace.\n\n", path, device, path, device)
}

// explainCommand is the command that prints a report's orderings: migsim
// replay's, or migsim conform's with the report's device.
func explainCommand(r *Report) string {
	if r.Device != "" {
		return "migsim conform --device DEVICE --replay FILE --explain"
	}
	return "migsim replay --explain"
}

// StepAdmin renders the admin commands the owner completed in scheduler
// step i (from 0) of a recorded run (shown and traced as step
// engine.ShownStep(i)), " (DEV_MODE_SET
// SR-IOV member 1 mode=Freeze: OK)", or "" when it completed none: a PF's
// admin step is labelled `admin(tag 0)` whatever command it runs, and the
// command it completed says what an ordering of it is about. A command
// whose reply waits (for a reset, say) completes in the later step that
// releases it, and is named there.
//
// It also names a function-level reset the step started ("src.vf1: FLR
// started"): the step is labelled by the configuration write that starts
// it (`vcpu0:cfg-write 0x50=0xa810`, Initiate Function Level Reset in the
// PCI Express capability's Device Control), which says nothing of an FLR
// to a reader of the orderings.
func StepAdmin(events []record.TraceEvent, i int) string {
	var cmds []string
	actor, first := "", true
	flr := map[string]bool{}
	for k := range events {
		e := &events[k]
		if e.Kind == record.TraceState {
			fn := functionName(e.Host, e.Target)
			if e.Step == engine.ShownStep(i) && e.State.FLRPending && !flr[fn] {
				cmds = append(cmds, fn+": FLR started")
			}
			flr[fn] = e.State.FLRPending
		}
		if e.Step != engine.ShownStep(i) {
			continue
		}
		if first {
			actor, first = e.Who, false
		}
		if e.Kind == record.TraceAdmin {
			cmds = append(cmds, adminText(e, actor))
		}
	}
	if len(cmds) == 0 {
		return ""
	}
	return " (" + strings.Join(cmds, "; ") + ")"
}

// adminText renders admin event e as the line of a step of actor (the
// actor of the step's first event) names it: the command alone when the
// PF's own step completed it, else after the PF ("dst.pf: LIST_QUERY
// SR-IOV member 0: OK result=8B"): a hypervisor step that boots another
// host runs that PF's admin work inline, and its label ("hv:src
// wait-admin") names neither that host nor those commands.
func adminText(e *record.TraceEvent, actor string) string {
	text := SummarizeAdmin(e.Edition, e.Admin, e.AdminResult).String()
	if actor == e.To {
		return text
	}
	return e.To + ": " + text
}

// upperFirst returns s with its first letter in upper case.
func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// knobsText renders the run's edition and knobs: "draft-2023,
// flr-vs-mode=complete-anyway".
func knobsText(sc *schedfile.Schedule) string {
	return strings.Join(append([]string{sc.Edition}, append(append([]string{}, sc.Knobs...), sc.Settings...)...), ", ")
}

// foundByCell renders FoundBy as a table cell: a command as code, a
// reason as text, a table's cell separator escaped.
func foundByCell(text string) string {
	if strings.HasPrefix(text, "migsim ") {
		return "`" + strings.ReplaceAll(text, "|", "\\|") + "`"
	}
	return strings.ReplaceAll(text, "|", "\\|")
}

// orDefault renders values as code, or says what applies without them.
func orDefault(vs []string, none string) string {
	if len(vs) == 0 {
		return none
	}
	return codeList(vs)
}

func codeList(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "`" + v + "`"
	}
	return strings.Join(out, ", ")
}

// expectation returns the scenario's expectation for the schedule's
// edition, knobs and settings (nil when there is none).
func expectation(s *scenario.Scenario, ed spec.Edition, sc *schedfile.Schedule) *scenario.Expectation {
	rules, err := spec.ParseRules(ed, sc.Knobs)
	if err != nil {
		return nil
	}
	return s.ExpectationFor(ed, rules, sc.Settings)
}

// writeRequirements lists the finding's requirements, broken (a check
// judged the run to break it) or involved (the run exercised what it is
// about) — charged or involved, not charged when r.Charge is the kit's
// charge (writeCharge) —, then the scenario's other ones that apply to the
// edition.
func writeRequirements(b *strings.Builder, r *Report, ed spec.Edition) {
	var ids []string
	seen := map[string]bool{}
	mark := map[string]string{}
	broken, involved := "**broken**", "involved"
	if r.Charge != nil {
		broken, involved = "**charged**", "involved, not charged"
	}
	if f := r.Result.Finding; f != nil {
		for _, id := range f.Reqs {
			mark[id] = involved
			if slices.Contains(f.ReqsBroken, id) {
				mark[id] = broken
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if r.Scenario != nil {
		for _, id := range r.Scenario.Requirements {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		if r.Result.Finding == nil {
			b.WriteString("The run ends without a finding, and the scenario names no requirement.\n\n")
			return
		}
		b.WriteString("The finding names no requirement.\n\n")
		if r.Charge != nil {
			writeCharge(b, r.Charge)
		}
		return
	}
	b.WriteString("| ID | | level | binds | requirement |\n|---|---|---|---|---|\n")
	for _, id := range ids {
		m := mark[id]
		if m == "" {
			m = "scenario"
		}
		q, ok := spec.LookupRequirement(id)
		if !ok {
			fmt.Fprintf(b, "| `%s` | %s | | | (not in migsim's catalog) |\n", id, m)
			continue
		}
		if !q.AppliesTo(ed) {
			m += ", other edition"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", id, m, q.Level, q.Side, strings.ReplaceAll(q.Text, "|", `\|`))
	}
	b.WriteString("\n")
	if r.Charge != nil {
		writeCharge(b, r.Charge)
	} else if len(mark) > 0 {
		b.WriteString("**broken**: a check judged the run to break it (the oracle's rule, or a rule the host saw broken). " +
			"involved: the finding's run exercised what it is about (a mode, a command, a reset the trace shows); " +
			"no check judged it broken (docs/oracles.md, \"Impact of a finding\"). " +
			"scenario: the scenario names it.\n\n")
	}
}

// writeModeArcs lists the run's mode transitions, a run of at least
// minArcRun consecutive VFs of one host moved the same way in one row.
func writeModeArcs(b *strings.Builder, events []record.TraceEvent, ed spec.Edition) {
	arcs := ModeArcs(events)
	if len(arcs) == 0 {
		b.WriteString("No member changed mode.\n\n")
		return
	}
	b.WriteString("| step | function | transition | how |\n|---|---|---|---|\n")
	for _, r := range arcRuns(arcs) {
		a := r.First
		how := "DEV_MODE_SET, OK"
		switch a.Kind {
		case ArcRefused:
			how = "DEV_MODE_SET refused: " + a.Why
		case ArcOther:
			how = "no DEV_MODE_SET: " + a.Why
		}
		fn := "`" + a.Function + "`"
		if r.N > 1 {
			fn = fmt.Sprintf("`%s` (%d VFs)", r.Functions(), r.N)
		}
		fmt.Fprintf(b, "| %s | %s | %s → %s | %s |\n", r.Steps(), fn, ed.ModeName(a.From), ed.ModeName(a.To), how)
	}
	b.WriteString("\n")
}
