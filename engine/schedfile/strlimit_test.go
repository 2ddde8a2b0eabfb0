package schedfile

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/migsim/migsim/engine"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchedule_LongStrings: a name above MaxString, sealed as a hand edit
// that recomputed the checksum would be, is refused as the file is read,
// naming the field, its length and the byte offset of its opening quote;
// one at the limit reads. The error never repeats the string.
func TestSchedule_LongStrings(t *testing.T) {
	over := strings.Repeat("s", 100<<10)
	atLimit := strings.Repeat("s", MaxString)
	cases := []struct {
		name  string
		edit  func(s *Schedule)
		path  string // the field refused; "" for none
		value string // its value, to find in the file
	}{
		{"label", func(s *Schedule) { s.Choices[1].Label = over }, "choices[1].label", over},
		{"label at the limit", func(s *Schedule) { s.Choices[1].Label = atLimit }, "", ""},
		{"knob", func(s *Schedule) { s.Knobs = []string{"a=b", over} }, "knobs[1]", over},
		{"scenario", func(s *Schedule) { s.Scenario = over }, "scenario", over},
		{"edition", func(s *Schedule) { s.Edition = over }, "edition", over},
		{"finding actor", func(s *Schedule) { s.Finding.Actors = []string{over} }, "finding.actors[0]", over},
		{"device argument", func(s *Schedule) { s.Device, s.DeviceArgs = "exec:/bin/dev", []string{over} }, "device_args[0]", over},
		// Prose is bounded by the file's limit alone.
		{"finding message", func(s *Schedule) { s.Finding.Message = over }, "", ""},
		{"scenario text", func(s *Schedule) { s.ScenarioText = over }, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &Schedule{Format: Format, Module: "devel", Edition: "draft-2023", Knobs: []string{}, Scenario: "x",
				ScenarioHash: "00000000", Strategy: engine.StrategyRandom, TraceHash: "0000000000000000",
				BaseSeed: 3, Index: 2, Seed: engine.ScheduleSeed(3, 2), Steps: 2,
				Finding: &engine.Finding{Oracle: "lost-update", Step: 1, Actors: []string{"racer0"}, Message: "m"},
				Choices: []engine.Choice{{Index: 0, Actor: 0, Label: "a:b"}, {Index: 0, Actor: 1, Label: "c:d"}}}
			tc.edit(s)
			b, err := s.Marshal()
			require.NoError(t, err)
			_, err = Parse(b)
			if tc.path == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			off := bytes.Index(b, []byte(`"`+tc.value+`"`))
			require.Positive(t, off)
			assert.Equal(t, "engine: schedule: field "+tc.path+": a string of 102400 bytes, above the 64 KiB a name of a schedule file may hold (byte offset "+strconv.Itoa(off)+")", err.Error())
			// Validate, of a schedule that was never a file, knows
			// no offset.
			assert.EqualError(t, s.Validate(), "engine: schedule: field "+tc.path+": a string of 102400 bytes, above the 64 KiB a name of a schedule file may hold")
		})
	}
}

// TestStringOffset: the offset is that of the value's opening quote at
// the path, not of a key or of another value equal to it; of the last
// value where the document repeats a key or an array, and of a key that
// differs in case only, as encoding/json matches keys to fields.
func TestStringOffset(t *testing.T) {
	doc := []byte(`{"a": "x", "b": ["x", "y"], "c": [{"label": "x"}, {"label" :  "x"}], "label": "z"}`)
	for _, tc := range []struct {
		path string
		want int64
	}{
		{"a", 6},
		{"b[1]", 22},
		{"c[1].label", int64(bytes.LastIndex(doc, []byte(`"x"`)))},
		{"label", int64(bytes.Index(doc, []byte(`"z"`)))},
		{"c[2].label", -1},
		{"d", -1},
	} {
		assert.Equal(t, tc.want, stringOffset(doc, tc.path), tc.path)
	}
	assert.Equal(t, int64(-1), stringOffset([]byte(`{"a": `), "a"), "malformed")
	for _, tc := range []struct {
		doc, path, last string
	}{
		{`{"a": "x", "a": "y"}`, "a", `"y"`},
		{`{"a": "x", "A": "y"}`, "a", `"y"`},
		{`{"a": "x", "a": null}`, "a", `"x"`},
		{`{"c": [{"label": "x"}], "c": [{"label": "y"}]}`, "c[0].label", `"y"`},
		{`{"c": [{"label": "x"}], "c": [{"i": 0}]}`, "c[0].label", `"x"`},
		{`{"o": {"k": "x"}, "o": {"K": "y"}, "b": "z"}`, "o.k", `"y"`},
	} {
		assert.Equal(t, int64(strings.Index(tc.doc, tc.last)), stringOffset([]byte(tc.doc), tc.path), tc.doc)
	}
}

// A name given twice (or under a key that differs in case, which
// encoding/json matches to the same field) is judged by the value the
// decoder keeps, the last: the error's byte offset is that value's, not
// the first one's.
func TestSchedule_LongStringRepeated(t *testing.T) {
	over := strings.Repeat("s", 100<<10)
	s := &Schedule{Format: Format, Module: "devel", Edition: "draft-2023", Knobs: []string{}, Scenario: over,
		ScenarioHash: "00000000", Strategy: engine.StrategyRandom, TraceHash: "0000000000000000",
		BaseSeed: 3, Index: 2, Seed: engine.ScheduleSeed(3, 2), Steps: 1,
		Choices: []engine.Choice{{Index: 0, Actor: 0, Label: "a:b"}}}
	b, err := s.Marshal()
	require.NoError(t, err)
	long := []byte(`"scenario": "` + over + `"`)
	require.Equal(t, 1, bytes.Count(b, long))
	for _, tc := range []struct {
		name, before string // what goes before the long value's key
		key          string // the long value's key
	}{
		{"the key repeated", `"scenario": "x", `, "scenario"},
		{"the key repeated in another case", `"scenario": "x", `, "SCENARIO"},
		{"the key repeated twice", `"scenario": "x", "Scenario": "y", `, "scenario"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := bytes.Replace(b, long, []byte(tc.before+`"`+tc.key+`": "`+over+`"`), 1)
			_, err := Parse(doc)
			require.Error(t, err)
			off := bytes.Index(doc, []byte(`"`+over+`"`))
			assert.Equal(t, "engine: schedule: field scenario: a string of 102400 bytes, above the 64 KiB a name of a schedule file may hold (byte offset "+strconv.Itoa(off)+")", err.Error())
		})
	}
}
