package trace

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/world/record"
)

// PcapngLinkType is the link type of the pcapng interface: LINKTYPE_USER0
// (147), which Wireshark maps to the wtap_encap USER0 that docs/migsim.lua
// registers on.
const PcapngLinkType = layers.LinkType(147)

// PcapngEpoch is the wall-clock instant virtual time 0 is written as: the
// Unix epoch, so a packet's timestamp is its virtual time (plus the step
// offset of PacketTime) and the file never depends on when it was written.
var PcapngEpoch = time.Unix(0, 0).UTC()

// Packet timestamp offsets (PacketTime): each scheduler step adds
// StepTick, each record within a step RecordTick, up to MaxRecordTicks.
const (
	StepTick       = time.Microsecond
	RecordTick     = time.Nanosecond
	MaxRecordTicks = 999
)

// PacketTime is the pcapng timestamp of a record: PcapngEpoch plus the
// virtual time, plus one microsecond per scheduler step, plus one
// nanosecond per earlier record of the same step (at most 999). Virtual
// time and steps never go back in a trace, so timestamps follow the record
// order (strictly, while a step has fewer than 1000 records), a run whose
// clock never moves still shows its steps apart (step 412 at
// 0.000412000), and a 100 ms FLR still shows as a 100 ms gap.
func PacketTime(r *Record, inStep int) time.Time {
	off := time.Duration(r.Step)*StepTick + time.Duration(min(inStep, MaxRecordTicks))*RecordTick
	return PcapngEpoch.Add(time.Duration(r.Time) + off)
}

// maxPacketComment bounds a packet comment (the pcapng option length is 16
// bits; the comment is a convenience, the record holds the data).
const maxPacketComment = 1024

// Meta names the run a trace comes from; WritePcapng writes it into
// the section header.
type Meta struct {
	// Scenario is the scenario's name.
	Scenario string
	// Edition is spec.Edition.String().
	Edition string
	// Knobs are the key=value pairs that differ from the edition defaults.
	Knobs []string
	// Seed is the run's seed.
	Seed uint64
	// Module is the migsim version; empty leaves it out.
	Module string
	// Run names a run other than the schedule's own (run=NAME in the
	// comment): "without-migration" for its control run (`migsim trace
	// --without-migration`); empty for the schedule's run.
	Run string
	// Finding is the finding the recorded run ends in (WithFinding), nil
	// for none: the comment names its oracle and step, so that a file
	// opened on its own says what to look for and where.
	Finding *engine.Finding
}

// WithFinding returns m naming the finding the recorded run ends in (the
// replayed run's, which with another device may not be the schedule
// file's).
func (m Meta) WithFinding(f *engine.Finding) Meta {
	m.Finding = f
	return m
}

// Comment renders the metadata as the one-line section comment:
//
//	migsim scenario=flr-during-freeze edition=draft-2023 knobs=flr-vs-mode=complete-anyway seed=7
//
// followed by " run=NAME" when Run names one and " finding=ORACLE step=N"
// when the run ends in a finding (N its step as every output shows it,
// FindingEventStep: filter migsim.step <= N).
func (m Meta) Comment() string {
	knobs := "default"
	if len(m.Knobs) > 0 {
		knobs = strings.Join(m.Knobs, ",")
	}
	c := fmt.Sprintf("migsim scenario=%s edition=%s knobs=%s seed=%d", m.Scenario, m.Edition, knobs, m.Seed)
	if m.Run != "" {
		c += " run=" + m.Run
	}
	if m.Finding != nil {
		c += fmt.Sprintf(" finding=%s step=%d", m.Finding.Oracle, FindingEventStep(m.Finding))
	}
	return c
}

// WritePcapng writes events as a pcapng file: a section header naming
// migsim and the run (Meta), one interface of link type
// PcapngLinkType, and one packet per event whose timestamp is the event's
// virtual time after PcapngEpoch, whose data is the binary record
// (AppendRecord, docs/traces.md) and whose comment is the event in words.
// Equal inputs give equal bytes.
func WritePcapng(w io.Writer, events []record.TraceEvent, meta Meta) error {
	return WritePcapngRecords(w, RecordsOf(events), meta)
}

// WritePcapngRecords is WritePcapng for records that may carry the admin
// slot.
func WritePcapngRecords(w io.Writer, records []Record, meta Meta) error {
	app := "migsim"
	if meta.Module != "" {
		app += " " + meta.Module
	}
	intf := pcapgo.NgInterface{
		Name:                "migsim0",
		Description:         "migsim trace records, edition " + meta.Edition + " (docs/traces.md)",
		OS:                  "migsim",
		LinkType:            PcapngLinkType,
		TimestampResolution: 9,
	}
	opts := pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Hardware:    "migsim virtual PCIe",
		OS:          "migsim",
		Application: app,
		Comment:     truncateComment(meta.Comment()),
	}}
	nw, err := pcapgo.NewNgWriterInterface(w, intf, opts)
	if err != nil {
		return fmt.Errorf("trace: pcapng: header: %w", err)
	}
	if err := nw.Flush(); err != nil {
		return fmt.Errorf("trace: pcapng: header: %w", err)
	}
	if err := writeNameResolution(w, endpointNames(records)); err != nil {
		return fmt.Errorf("trace: pcapng: name resolution block: %w", err)
	}
	var buf []byte
	inStep := 0
	for i := range records {
		r := &records[i]
		buf, err = AppendRecord(buf[:0], r)
		if err != nil {
			return fmt.Errorf("trace: pcapng: event %d: %w", i, err)
		}
		if i > 0 && records[i-1].Step == r.Step {
			inStep++
		} else {
			inStep = 0
		}
		ci := gopacket.CaptureInfo{Timestamp: PacketTime(r, inStep), CaptureLength: len(buf), Length: len(buf)}
		po := pcapgo.NgPacketOptions{Comments: []string{truncateComment(DescribeRecord(r))}}
		if err := nw.WritePacketWithOptions(ci, buf, po); err != nil {
			return fmt.Errorf("trace: pcapng: event %d: %w", i, err)
		}
	}
	if err := nw.Flush(); err != nil {
		return fmt.Errorf("trace: pcapng: %w", err)
	}
	return nil
}

// truncateComment cuts s to maxPacketComment bytes at a rune boundary.
func truncateComment(s string) string {
	if len(s) <= maxPacketComment {
		return s
	}
	cut := maxPacketComment - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// MetaOf returns the pcapng metadata of a schedule.
func MetaOf(sc *schedfile.Schedule) Meta {
	return Meta{Scenario: sc.Scenario, Edition: sc.Edition, Knobs: append([]string(nil), sc.Knobs...),
		Seed: sc.Seed, Module: engine.ModuleVersion()}
}
