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
// the path, not of a key or of another value equal to it.
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
}
