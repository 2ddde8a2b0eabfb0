package wire

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkDecode decodes every line of a recorded session (the kit's
// requests and the reference device's replies), as both ends of the
// external path do once per line.
func BenchmarkDecode(b *testing.B) {
	lines := sessionLines(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if _, err := Decode(l); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}

// BenchmarkAppend encodes the same lines' messages.
func BenchmarkAppend(b *testing.B) {
	var msgs []*Message
	for _, l := range sessionLines(b) {
		m, err := Decode(l)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		for _, m := range msgs {
			buf = Append(buf[:0], m)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/line")
}

// sessionLines are the lines of testdata/session.transcript without their
// "kit> " and "dev> " prefixes.
func sessionLines(b *testing.B) [][]byte {
	data, err := os.ReadFile("../testdata/session.transcript")
	if err != nil {
		b.Fatal(err)
	}
	var lines [][]byte
	for l := range bytes.Lines(data) {
		_, rest, ok := bytes.Cut(bytes.TrimSuffix(l, []byte("\n")), []byte("> "))
		if !ok {
			b.Fatalf("transcript line without a prefix: %q", l)
		}
		lines = append(lines, rest)
	}
	return lines
}
