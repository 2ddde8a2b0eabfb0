package trace

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportPcapngDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, WritePcapng(&a, exportFixture(), exportMeta()))
	require.NoError(t, WritePcapng(&b, exportFixture(), exportMeta()))
	assert.Equal(t, a.Bytes(), b.Bytes())
	checkGolden(t, "fixture.pcapng", a.Bytes())
}

func TestExportPcapngReadBack(t *testing.T) {
	events := exportFixture()
	var buf bytes.Buffer
	require.NoError(t, WritePcapng(&buf, events, exportMeta()))
	r, err := pcapgo.NewNgReader(bytes.NewReader(buf.Bytes()), pcapgo.DefaultNgReaderOptions)
	require.NoError(t, err)
	assert.Equal(t, PcapngLinkType, r.LinkType())
	assert.Equal(t, 147, int(r.LinkType()))
	assert.Equal(t, "migsim scenario=fixture edition=draft-2023 knobs=freeze-notify=latch seed=7", r.SectionInfo().Comment)
	assert.Equal(t, "migsim", r.SectionInfo().Application)
	n, inStep := 0, 0
	for {
		data, ci, opts, err := r.ReadPacketDataWithOptions()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "packet %d", n)
		require.Less(t, n, len(events), "more packets than events")
		e := events[n]
		if n > 0 && events[n-1].Step == e.Step {
			inStep++
		} else {
			inStep = 0
		}
		want := PcapngEpoch.Add(time.Duration(e.Time) + time.Duration(e.Step)*time.Microsecond + time.Duration(inStep))
		assert.Equal(t, want.UnixNano(), ci.Timestamp.UnixNano(), "packet %d", n)
		got, err := DecodeRecord(data)
		require.NoError(t, err, "packet %d", n)
		assert.Equal(t, e, got.TraceEvent, "packet %d", n)
		rec := RecordOf(e)
		assert.Equal(t, []string{DescribeRecord(&rec)}, opts.Comments, "packet %d", n)
		n++
	}
	assert.Equal(t, len(events), n)
}

func TestExportPcapngLayers(t *testing.T) {
	recs := RecordsOf(exportFixture())
	for i, r := range recs {
		b, err := AppendRecord(nil, &r)
		require.NoError(t, err)
		p := gopacket.NewPacket(b, LayerTypeTrace, gopacket.Default)
		require.Nil(t, p.ErrorLayer(), "record %d", i)
		hdr, ok := p.Layer(LayerTypeTrace).(*TraceLayer)
		require.True(t, ok, "record %d", i)
		assert.Equal(t, r.Step, hdr.Event.Step)
		assert.Equal(t, r.Who, hdr.Event.Who)
		assert.Equal(t, r.Text, hdr.Event.Text)
		switch {
		case r.Kind == record.TraceState:
			l, ok := p.Layer(LayerTypeState).(*StateLayer)
			require.True(t, ok, "record %d", i)
			assert.Equal(t, r.State, l.State)
		case r.Kind == record.TraceAdmin:
			l, ok := p.Layer(LayerTypeAdmin).(*AdminLayer)
			require.True(t, ok, "record %d", i)
			assert.Equal(t, r.Admin, l.Command)
			assert.Equal(t, r.AdminResult, l.Result)
		case r.Kind == record.TraceTLP:
			l, ok := p.Layer(LayerTypeTLP).(*TLPLayer)
			require.True(t, ok, "record %d", i)
			assert.Equal(t, r.TLP, l.TLP)
		case r.Kind == record.TraceMSIX:
			l, ok := p.Layer(LayerTypeMSIX).(*MSIXLayer)
			require.True(t, ok, "record %d", i)
			assert.Equal(t, r.MSIX, l.MSIX)
		default:
			assert.Len(t, p.Layers(), 1, "record %d", i)
		}
	}
	// A truncated record is an error layer, not a panic.
	b, err := AppendRecord(nil, &recs[0])
	require.NoError(t, err)
	p := gopacket.NewPacket(b[:len(b)-1], LayerTypeTrace, gopacket.Default)
	require.NotNil(t, p.ErrorLayer())
	assert.Contains(t, p.ErrorLayer().Error().Error(), "byte offset")
}

// Timestamps follow the record order even where virtual time stands still.
func TestExportPcapngTimestampsOrdered(t *testing.T) {
	var events []record.TraceEvent
	for step := 0; step < 4; step++ {
		for i := 0; i < 3; i++ {
			events = append(events, record.TraceEvent{Step: step, Kind: record.TraceNote, Host: "src", Target: "pf"})
		}
	}
	events[len(events)-1].Time = 100_000_000
	var buf bytes.Buffer
	require.NoError(t, WritePcapng(&buf, events, exportMeta()))
	r, err := pcapgo.NewNgReader(bytes.NewReader(buf.Bytes()), pcapgo.DefaultNgReaderOptions)
	require.NoError(t, err)
	var last time.Time
	for n := 0; ; n++ {
		_, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		assert.True(t, ci.Timestamp.After(last), "packet %d at %v, not after %v", n, ci.Timestamp, last)
		last = ci.Timestamp
	}
	assert.Equal(t, int64(100_003_002), last.UnixNano(), "100 ms + step 3 + third record")
}

func TestExportPcapngErrors(t *testing.T) {
	events := exportFixture()
	events[3].Step = -2
	var buf bytes.Buffer
	err := WritePcapng(&buf, events, exportMeta())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "trace: pcapng: event 3: trace: record: step -2 out of range")
}

func TestExportPcapngEmpty(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WritePcapng(&buf, nil, Meta{Scenario: "empty", Edition: "virtio-1.4"}))
	r, err := pcapgo.NewNgReader(bytes.NewReader(buf.Bytes()), pcapgo.DefaultNgReaderOptions)
	require.NoError(t, err)
	_, _, err = r.ReadPacketData()
	assert.Equal(t, io.EOF, err)
	assert.Contains(t, r.SectionInfo().Comment, "knobs=default")
}

// TestMetaComment: the section comment names the run, and the run= word
// only when Meta.Run names one other than the schedule's.
func TestMetaComment(t *testing.T) {
	cases := []struct {
		name string
		meta Meta
		want string
	}{
		{"the schedule's run", Meta{Scenario: "s", Edition: "draft-2023", Seed: 7},
			"migsim scenario=s edition=draft-2023 knobs=default seed=7"},
		{"its run without migration", Meta{Scenario: "s", Edition: "virtio-1.4", Knobs: []string{"a=b", "c=d"}, Seed: 7, Run: "without-migration"},
			"migsim scenario=s edition=virtio-1.4 knobs=a=b,c=d seed=7 run=without-migration"},
		{"a run ending in a finding: its oracle and its step as shown", Meta{Scenario: "s", Edition: "draft-2023", Seed: 7}.WithFinding(&engine.Finding{Oracle: "frozen-context", Step: 97}),
			"migsim scenario=s edition=draft-2023 knobs=default seed=7 finding=frozen-context step=98"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.meta.Comment())
			var buf bytes.Buffer
			require.NoError(t, WritePcapng(&buf, nil, c.meta))
			r, err := pcapgo.NewNgReader(bytes.NewReader(buf.Bytes()), pcapgo.DefaultNgReaderOptions)
			require.NoError(t, err)
			assert.Equal(t, c.want, r.SectionInfo().Comment)
		})
	}
}
