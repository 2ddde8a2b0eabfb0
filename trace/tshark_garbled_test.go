package trace

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/world/record"
)

// garbled is one record with its bytes changed, and how.
type garbled struct {
	how  string
	data []byte
}

// sampleRecords returns one encoded record of every edition, kind, TLP kind
// and admin opcode the regression traces hold, in a fixed order.
func sampleRecords(t *testing.T) []garbled {
	t.Helper()
	seen := map[string][]byte{}
	for _, tr := range regressTraces(t) {
		for _, e := range tr.events {
			key := fmt.Sprintf("%s %s", e.Edition, e.Kind)
			switch e.Kind {
			case record.TraceTLP:
				key += " " + e.TLP.Kind.String()
			case record.TraceAdmin:
				key += " " + SummarizeAdmin(e.Edition, e.Admin, e.AdminResult).Name
			}
			if _, ok := seen[key]; ok {
				continue
			}
			r := RecordOf(e)
			b, err := AppendRecord(nil, &r)
			require.NoError(t, err, key)
			seen[key] = b
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]garbled, len(keys))
	for i, k := range keys {
		out[i] = garbled{how: k, data: seen[k]}
	}
	return out
}

// garble returns every truncation of each sample, the sample with three
// bytes after it, and the sample with each byte in turn set to 0x00, 0x7f,
// 0x80 and 0xff (the extremes of lengths, counts and 64-bit values).
func garble(samples []garbled) []garbled {
	var out []garbled
	for _, s := range samples {
		for n := range len(s.data) {
			out = append(out, garbled{how: fmt.Sprintf("%s: cut to %d bytes", s.how, n), data: s.data[:n]})
		}
		out = append(out, garbled{how: s.how + ": 3 trailing bytes", data: append(bytes.Clone(s.data), 1, 2, 3)})
		for i := range s.data {
			for _, v := range []byte{0x00, 0x7f, 0x80, 0xff} {
				if s.data[i] == v {
					continue
				}
				d := bytes.Clone(s.data)
				d[i] = v
				out = append(out, garbled{how: fmt.Sprintf("%s: byte %d set to %#02x", s.how, i, v), data: d})
			}
		}
	}
	return out
}

// writeRawPcapng writes records as they are, one packet each, on the
// interface WritePcapng uses.
func writeRawPcapng(t *testing.T, path string, records []garbled) {
	t.Helper()
	var b bytes.Buffer
	nw, err := pcapgo.NewNgWriterInterface(&b, pcapgo.NgInterface{Name: "migsim0", LinkType: PcapngLinkType, TimestampResolution: 9},
		pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "migsim"}})
	require.NoError(t, err)
	for i, r := range records {
		ci := gopacket.CaptureInfo{Timestamp: PcapngEpoch.Add(time.Duration(i)), CaptureLength: len(r.data), Length: len(r.data)}
		require.NoError(t, nw.WritePacket(ci, r.data))
	}
	require.NoError(t, nw.Flush())
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

// Robustness: the dissector on damaged records. Every truncation, trailing
// bytes and every byte of a record of each kind and opcode set to an
// extreme value go through tshark in one run. No packet may end in a Lua
// error (which hides the rest of its tree); a record DecodeRecord refuses
// carries an expert error (malformed) and one it reads has the Info
// column of its Go description, as every written record does.
func TestTsharkGarbledRecords(t *testing.T) {
	bin := tsharkPath(t)
	samples := sampleRecords(t)
	require.NotEmpty(t, samples)
	records := garble(samples)
	path := filepath.Join(t.TempDir(), "garbled.pcapng")
	writeRawPcapng(t, path, records)
	out := tshark(t, bin, "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|",
		"-e", "_ws.col.Info", "-e", "_ws.expert.severity", "-e", "_ws.expert.message")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, len(records), "one packet per record")
	bad := 0
	for i, l := range lines {
		g := records[i]
		col := strings.SplitN(l, "\t", 3)
		require.Len(t, col, 3, "%s: %q", g.how, l)
		info, sev, msg := col[0], col[1], col[2]
		fail := func(format string, args ...any) {
			bad++
			if bad <= 40 {
				t.Errorf("%s: %s", g.how, fmt.Sprintf(format, args...))
			}
		}
		if strings.Contains(msg, "Lua Error") {
			fail("Lua error: %s", msg)
			continue
		}
		r, err := DecodeRecord(g.data)
		if err != nil {
			if !strings.Contains(sev, "8388608") && !strings.Contains(sev, "6291456") {
				fail("DecodeRecord refuses it (%v), tshark shows no expert error or warning (%q)", err, msg)
			}
			continue
		}
		if !printable(r) {
			continue // names and text of bytes a writer never emits: the Info column shows them as it can
		}
		if r.Kind == record.TraceState {
			// The dissector names the state from its mode and flags
			// fields, Go from the text the world wrote beside them.
			r.Text = record.DescribeState(r.Edition, r.State)
		}
		if want := infoLine(&r); info != want {
			fail("Info %q, Go %q", info, want)
		}
	}
	assert.Zero(t, bad, "damaged records the dissector mishandles, of %d", len(records))
	t.Logf("dissected %d damaged records of %d samples", len(records), len(samples))
}

// printable reports whether a record's names and text are printable UTF-8,
// which the Info column can show as Go does.
func printable(r Record) bool {
	for _, s := range []string{r.Host, r.Target, r.Who, r.From, r.To, r.Text} {
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(c rune) bool { return !unicode.IsPrint(c) }) {
			return false
		}
	}
	return true
}
