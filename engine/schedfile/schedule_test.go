package schedfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/jsonpath/jsonpathtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A schedule written and read back is the same schedule, and its replay
// reproduces the recorded trace.
func TestSchedule_RoundTrip(t *testing.T) {
	f := lostUpdate
	seed := engine.ScheduleSeed(77, 3)
	res, err := engine.Run(f, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{})
	require.NoError(t, err)
	s := New(engine.StrategyRandom, res)
	s.Edition, s.Knobs, s.Scenario, s.ScenarioHash = "virtio-1.4", []string{"mode-after-flr=keep"}, "toy", "abc"
	s.BaseSeed, s.Index = 77, 3
	path := filepath.Join(t.TempDir(), "s.json")
	require.NoError(t, s.WriteFile(path))

	got, err := ReadFile(path)
	require.NoError(t, err)
	want := *s
	want.Choices = stripUnrecorded(s.Choices)
	want.Dir = filepath.Dir(path)
	assert.Equal(t, &want, got)
	assert.Equal(t, "devel", got.Module)
	assert.Equal(t, Format, got.Format)
	assert.Len(t, got.Checksum, 16)

	again, err := got.Replay(f, engine.RunConfig{})
	require.NoError(t, err)
	assert.Equal(t, res.TraceHash, again.TraceHash)

	// A replay against a different system is refused and says where.
	other := otherSystem
	_, err = got.Replay(other, engine.RunConfig{})
	require.ErrorIs(t, err, engine.ErrDiverged)
	assert.Contains(t, err.Error(), fmt.Sprintf("engine: seed %d: engine: replay diverged at step 1", seed))
}

// A divergence of a schedule another version of migsim recorded names both
// versions: the simulator may have changed between them, which is not a
// finding. One this version recorded, or one that replays, says nothing.
func TestSchedule_DivergedOtherVersion(t *testing.T) {
	seed := engine.ScheduleSeed(77, 3)
	res, err := engine.Run(lostUpdate, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{})
	require.NoError(t, err)
	cases := []struct {
		name, module string
		f            engine.Factory
		want         string // "" replays; else the error holds it
		version      bool   // the error names the versions
	}{
		{"other version, diverges", "v9.9.9", otherSystem, "replay diverged at step 1", true},
		{"this version, diverges", engine.ModuleVersion(), otherSystem, "replay diverged at step 1", false},
		{"other version, replays", "v9.9.9", lostUpdate, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := New(engine.StrategyRandom, res)
			s.Module = tc.module
			_, err := s.Replay(tc.f, engine.RunConfig{})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, engine.ErrDiverged)
			assert.Contains(t, err.Error(), tc.want)
			note := "(recorded by migsim v9.9.9, replayed by migsim " + engine.ModuleVersion() + ": another version's simulator"
			if tc.version {
				assert.Contains(t, err.Error(), note)
			} else {
				assert.NotContains(t, err.Error(), "recorded by migsim")
			}
		})
	}
}

// Every field of a schedule of format 2 or later is checked: an edit the replay could
// not notice (seed, strategy, knobs, an actor) is refused when the file is
// read, by the seed's derivation or the checksum; an edited actor with a
// recomputed checksum is refused by the replay.
func TestSchedule_EditedFieldsRefused(t *testing.T) {
	f := lostUpdate
	seed := engine.ScheduleSeed(9, 1)
	res, err := engine.Run(f, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{})
	require.NoError(t, err)
	good := New(engine.StrategyRandom, res)
	good.Edition, good.Scenario, good.ScenarioHash, good.BaseSeed, good.Index = "draft-2023", "toy", "abc", 9, 1
	b, err := good.Marshal()
	require.NoError(t, err)
	_, err = Parse(b)
	require.NoError(t, err)
	edits := []struct {
		name string
		edit func(*Schedule)
		want string
	}{
		{"seed", func(s *Schedule) { s.Seed++ }, "field seed: "},
		{"strategy", func(s *Schedule) { s.Strategy = engine.StrategyPCT }, "field checksum: the file was edited"},
		{"knobs", func(s *Schedule) { s.Knobs = []string{"read=full"} }, "field checksum: the file was edited"},
		{"settings", func(s *Schedule) { s.Settings = []string{"capacity=8"} }, "field checksum: the file was edited"},
		{"actor", func(s *Schedule) { s.Choices[0].Actor++ }, "field checksum: the file was edited"},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			s, err := Parse(b)
			require.NoError(t, err)
			e.edit(s)
			out, err := json.Marshal(s.stored()) // not sealed: keep the old checksum
			require.NoError(t, err)
			_, err = Parse(out)
			require.Error(t, err)
			assert.Contains(t, err.Error(), e.want)
		})
	}
	// Resealed, an edited actor still fails the replay.
	s, err := Parse(b)
	require.NoError(t, err)
	s.Choices[0].Actor++
	_, err = s.Replay(f, engine.RunConfig{})
	require.ErrorIs(t, err, engine.ErrDiverged)
	assert.Contains(t, err.Error(), "recorded actor")
}

// TestSchedule_SeedsByFormat: formats 5, 4 and 3 store the seeds as JSON strings,
// exact where a JSON reader holds numbers as doubles (a run's seed is
// mostly above 2^53); formats 2 and 1 store numbers and are still read,
// their checksum over the numbers. A seed stored otherwise than its
// format stores it is refused, naming the field.
func TestSchedule_SeedsByFormat(t *testing.T) {
	const base = uint64(1) << 60
	mk := func(format int) []byte {
		s := &Schedule{Format: format, Edition: "draft-2023", Scenario: "x", Strategy: engine.StrategyRandom,
			TraceHash: "0000000000000000", BaseSeed: base + 1, Index: 2, Seed: engine.ScheduleSeed(base+1, 2),
			Choices: []engine.Choice{{Index: 0, Actor: 1, Label: "a:b"}}, Steps: 1}
		b, err := s.Marshal()
		require.NoError(t, err)
		return b
	}
	v5, v4, v3, v2 := mk(Format), mk(FormatV4), mk(FormatV3), mk(FormatV2)
	seed := engine.ScheduleSeed(base+1, 2)
	require.Greater(t, seed, uint64(1)<<53, "a seed a double cannot hold")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(v3, &doc))
	assert.Equal(t, fmt.Sprint(seed), doc["seed"], "format 3: the seed as a string, exact")
	assert.Equal(t, fmt.Sprint(base+1), doc["base_seed"])
	require.NoError(t, json.Unmarshal(v2, &doc))
	assert.IsType(t, float64(0), doc["seed"], "format 2: a number")

	num := func(b []byte) []byte { // format 3's seeds written as numbers
		return bytes.ReplaceAll(b, []byte(`"`+fmt.Sprint(seed)+`"`), []byte(fmt.Sprint(seed)))
	}
	str := func(b []byte) []byte { // format 2's seeds written as strings
		return bytes.ReplaceAll(b, []byte(`"seed": `+fmt.Sprint(seed)), []byte(`"seed": "`+fmt.Sprint(seed)+`"`))
	}
	cases := []struct {
		name string
		in   []byte
		want string // "" when it reads
	}{
		{"format 5", v5, ""},
		{"format 5, seed a number", num(v5), "field seed: got JSON number, want a string of decimal digits (format 5)"},
		{"format 4", v4, ""},
		{"format 4, seed a number", num(v4), "field seed: got JSON number, want a string of decimal digits (format 4)"},
		{"format 3", v3, ""},
		{"format 2", v2, ""},
		{"format 3, seed a number", num(v3), "field seed: got JSON number, want a string of decimal digits (format 3)"},
		{"format 3, seed not digits", bytes.ReplaceAll(v3, []byte(fmt.Sprint(seed)), []byte("x7")), `field seed: "x7" is not a decimal uint64`},
		{"format 3, base seed negative", bytes.ReplaceAll(v3, []byte(`"`+fmt.Sprint(base+1)+`"`), []byte(`"-1"`)), `field base_seed: "-1" is not a decimal uint64`},
		{"format 2, seed a string", str(v2), "field seed: got JSON string, want number (integer 0..2^64-1)"},
		{"format 2, seed negative", bytes.ReplaceAll(v2, []byte(`"base_seed": `+fmt.Sprint(base+1)), []byte(`"base_seed": -1`)), "field base_seed: got JSON number -1, want number (integer 0..2^64-1)"},
		{"format 3, seed a bool", bytes.ReplaceAll(v3, []byte(`"`+fmt.Sprint(seed)+`"`), []byte("true")), "field seed: got JSON boolean, want a string"},
	}
	// Embedded in another document (a shard summary), the same reading.
	var doc2 struct {
		S *Schedule `json:"s"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"s": `+string(v3)+`}`), &doc2))
	assert.Equal(t, seed, doc2.S.Seed)
	assert.ErrorContains(t, json.Unmarshal([]byte(`{"s": `+string(num(v3))+`}`), &doc2), "field seed: got JSON number")
	assert.ErrorContains(t, json.Unmarshal([]byte(`{"s": {"format": 3, "colour": 1}}`), &doc2), `unknown field "colour"`)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(c.in)
			if c.want != "" {
				assert.ErrorContains(t, err, c.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, seed, s.Seed)
			assert.Equal(t, base+1, s.BaseSeed)
			out, err := s.Marshal()
			require.NoError(t, err)
			assert.Equal(t, string(c.in), string(out), "written back as read")
		})
	}
}

// stripUnrecorded drops the fields a schedule file does not keep.
func stripUnrecorded(cs []engine.Choice) []engine.Choice {
	out := make([]engine.Choice, len(cs))
	for i, c := range cs {
		out[i] = engine.Choice{Index: c.Index, Actor: c.Actor, Label: c.Label}
	}
	return out
}

// The example file parses, seed included at full 64-bit range.
func TestSchedule_ReadValid(t *testing.T) {
	s, err := ReadFile(filepath.Join("testdata", "sched", "valid.json"))
	require.NoError(t, err)
	assert.Equal(t, uint64(18446744073709551615), s.Seed)
	assert.Equal(t, uint64(0x0123456789abcdef), s.Hash())
	assert.Equal(t, "lost-update", s.Finding.Oracle)
	assert.Len(t, s.Choices, 2)
}

// A malformed file is an error naming the file and the field (or byte
// offset), never a panic.
func TestSchedule_ReadMalformed(t *testing.T) {
	cases := []struct {
		file string
		want string
	}{
		{"bad-format.json", "field format: version 6, want 5 (or 4, 3, 2, 1)"},
		{"empty-label.json", "field choices[1].label: empty"},
		{"negative-index.json", "field choices[0].i: negative index -3"},
		{"seed-string.json", "field seed: got JSON string, want number (integer 0..2^64-1)"},
		{"index-string.json", "field choices[1].i: got JSON string, want number (integer -2^63..2^63-1) (byte offset "},
		{"index-too-large.json", "field choices[1].i: got JSON number 99999999999999999999, want number (integer -2^63..2^63-1) (byte offset "},
		{"steps-mismatch.json", "field steps: 5, but 2 choices"},
		{"bad-trace-hash.json", `field trace_hash: "xyz" is not 16 hex digits`},
		{"bad-strategy.json", `field strategy: engine: unknown strategy "bfs"`},
		{"unknown-field.json", `unknown field "chioces"`},
		{"no-scenario.json", "field scenario: empty"},
		{"no-edition.json", "field edition: missing"},
		{"bad-device.json", `field device: "builtin:mutant/Stale_Context": want builtin:blk, builtin:net, builtin:mutant/NAME, exec:PATH or go:NAME`},
		{"device-args-builtin.json", `field device_args: only an exec: device takes arguments, the file's device is "builtin:blk"`},
		{"truncated.json", "malformed JSON: truncated at byte 200 of 200: the JSON does not end"},
		{"syntax.json", "malformed JSON at byte offset"},
		{"bom.json", "malformed JSON at byte offset 0: the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow: save it without one"},
		{"empty.json", "empty file"},
		{"trailing.json", "trailing data after the schedule at byte offset"},
		{"scenario.scn", "a scenario file (migsim explore --scenario FILE explores it and writes schedule files), not a schedule file"},
		{"scenario-no-comment.scn", "a scenario file (migsim explore --scenario FILE explores it and writes schedule files), not a schedule file"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "sched", tc.file)
			_, err := ReadFile(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "engine: schedule "+path+": ")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := ReadFile(filepath.Join("testdata", "sched", "missing.json"))
	assert.ErrorContains(t, err, "engine: read schedule: open testdata/sched/missing.json")
}

// A path that is not a regular file, or a file above the schedule limit,
// is refused before it is read, naming the path and the limit.
func TestSchedule_ReadRefusesNonRegularAndLarge(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, nil, 0o644))
	require.NoError(t, os.Truncate(big, 1536<<20+1)) // sparse: nothing of it written
	cases := []struct {
		name, path, want string
	}{
		{"directory", dir, dir + ": not a regular file (a directory): want a schedule file of at most 1536 MiB"},
		{"above the limit", big, big + ": 1610612737 bytes, above the size limit of 1536 MiB for a schedule file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadFile(tc.path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "engine: read schedule: "+tc.want)
		})
	}
}

// Parsing from bytes and validating in memory give package-prefixed errors.
func TestSchedule_ParseAndValidate(t *testing.T) {
	_, err := Parse([]byte(`{"format": 1, "bogus": true}`))
	assert.EqualError(t, err, `engine: schedule: unknown field "bogus" (byte offset 14)`)
	_, err = Parse([]byte(`{"format": 4, "choices": [{"i": 0, "actor": 0, "label": "a"}, {"i": 0, "act0r": 1}]}`))
	assert.EqualError(t, err, `engine: schedule: unknown field "act0r" (choices[1].act0r, byte offset 71)`,
		"a key misspelt in one of thousands of choices is found by its place")
	s := &Schedule{Format: 1, Edition: "virtio-1.4", Scenario: "x", Strategy: "dfs", TraceHash: "0000000000000000"}
	require.NoError(t, s.Validate())
	s.Choices = []engine.Choice{{Index: 0, Label: "a"}}
	assert.EqualError(t, s.Validate(), "engine: schedule: field steps: 0, but 1 choices")
}

// A finding's step is an index into the file's steps (or -1 before the
// first, or the count after the last): one beyond them is refused naming
// the field, also in a file whose checksum was recomputed. A file that is
// not a JSON object says so.
func TestSchedule_FindingStepAndWholeFile(t *testing.T) {
	_, v3, _ := scheduleSeeds(t)
	s, err := Parse(v3)
	require.NoError(t, err)
	require.Len(t, s.Choices, 1)
	for _, step := range []int{-1, 0, 1} {
		s.Finding.Step = step
		b, err := s.Marshal()
		require.NoError(t, err)
		_, err = Parse(b)
		assert.NoError(t, err, "step %d", step)
	}
	for _, step := range []int{2, 1000000000, -2} {
		s.Finding.Step = step
		b, err := s.Marshal()
		require.NoError(t, err)
		_, err = Parse(b)
		key := fmt.Sprintf(`"step": %d`, step)
		require.Equal(t, 1, bytes.Count(b, []byte(key)), "%s", b)
		off := bytes.Index(b, []byte(key)) + len(`"step": `)
		assert.EqualError(t, err, fmt.Sprintf("engine: schedule: field finding.step: %d out of range [-1, 1] (an index from 0 into the file's 1 steps) (byte offset %d)", step, off))
	}
	for in, want := range map[string]string{"[]": "array", `"x"`: "string", "7": "number", "false": "boolean"} {
		_, err := Parse([]byte(in))
		assert.EqualError(t, err, "engine: schedule: not a JSON object: the file holds a JSON "+want, in)
	}
}

// scheduleSeeds returns real schedule files: the catalog's regression
// schedule copied under testdata/sched (format 2), the same schedule in
// format 3 (its seeds strings), and the example of format 1.
func scheduleSeeds(tb testing.TB) (v2, v3, v1 []byte) {
	tb.Helper()
	v2, err := os.ReadFile(filepath.Join("testdata", "sched", "format2-compat-net-mq8-to-4.json"))
	require.NoError(tb, err)
	s, err := Parse(v2)
	require.NoError(tb, err)
	require.Equal(tb, FormatV2, s.Format)
	s.Format = FormatV3
	v3, err = s.Marshal()
	require.NoError(tb, err)
	v1, err = os.ReadFile(filepath.Join("testdata", "sched", "valid.json"))
	require.NoError(tb, err)
	return v2, v3, v1
}

// The reseal helper of the fuzz target gives what a writer gives: a real
// schedule of format 2 or 3 whose checksum was zeroed, or whose fields were
// edited, parses once resealed; a format-1 schedule, a seed written
// otherwise than its format writes it and what is not an object are not
// resealed.
func TestResealSchedule(t *testing.T) {
	v2, v3, v1 := scheduleSeeds(t)
	for _, tc := range []struct {
		name string
		in   []byte
	}{{"format 2", v2}, {"format 3", v3}} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := Parse(tc.in)
			require.NoError(t, err)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(tc.in, &m))
			m["checksum"] = json.RawMessage(`"0000000000000000"`)
			zeroed, err := json.Marshal(m)
			require.NoError(t, err)
			_, err = Parse(zeroed)
			require.ErrorContains(t, err, "field checksum: the file was edited")
			sealed, ok := Reseal(zeroed)
			require.True(t, ok)
			got, err := Parse(sealed)
			require.NoError(t, err)
			assert.Equal(t, want, got)

			m["scenario"] = json.RawMessage(`"another"`)
			edited, err := json.Marshal(m)
			require.NoError(t, err)
			sealed, ok = Reseal(edited)
			require.True(t, ok)
			got, err = Parse(sealed)
			require.NoError(t, err)
			assert.Equal(t, "another", got.Scenario)
			assert.Equal(t, want.Seed, got.Seed)
		})
	}
	seedAsNumber := bytes.Replace(v3, []byte(`"seed": "`), []byte(`"seed": `), 1)
	seedAsNumber = bytes.Replace(seedAsNumber, []byte(`",
  "strategy"`), []byte(`,
  "strategy"`), 1)
	_, err := Parse(seedAsNumber)
	require.ErrorContains(t, err, "field seed: got JSON number, want a string of decimal digits (format 3)")
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"format 1", v1}, {"format 3, seed a number", seedAsNumber},
		{"empty", nil}, {"array", []byte(`[]`)}, {"null", []byte(`null`)}, {"format a string", []byte(`{"format": "x"}`)},
	} {
		out, ok := Reseal(tc.in)
		assert.False(t, ok, tc.name)
		assert.Equal(t, string(tc.in), string(out), tc.name)
	}
}

// FuzzParseSchedule: no input makes the schedule reader panic, an error
// in a choice names the choice's index, a name above MaxString is refused
// at the byte offset of a string's opening quote, and a schedule it
// accepts encodes, reads back and encodes to the same bytes.
// With reseal the input's checksum is recomputed first (Reseal),
// so that the checks behind it see the fuzzer's bytes: a resealed input is
// never refused for its checksum. With long the input's first "~~" stands
// for MaxString-1 bytes (widen), so that a few hundred bytes reach the
// limit on names ("ab~~" is one byte above it, "a~~" at it): a seed of
// 64 KiB made every input derived from it as long, slow to run and
// slower to minimise. Seeded with real schedules of each format, resealed
// and not, with the exploration of each strategy, with a file cut short and choices whose index is a string or
// too large for an int, and with a label at the limit and one above it.
// TestMain bounds Go's minimising of each new input (internal/fuzzflags).
//
//	go test ./engine/schedfile -run '^$' -fuzz FuzzParseSchedule
func FuzzParseSchedule(f *testing.F) {
	for _, name := range []string{"valid.json", "bad-format.json", "steps-mismatch.json", "bad-device.json", "device-args-builtin.json", "truncated.json", "index-string.json", "index-too-large.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "sched", name))
		require.NoError(f, err)
		f.Add(b, false, false)
	}
	s := &Schedule{Format: Format, Edition: "draft-2023", Scenario: "x", Strategy: engine.StrategyRandom,
		TraceHash: "0000000000000000", Seed: engine.ScheduleSeed(3, 2), BaseSeed: 3, Index: 2,
		Choices: []engine.Choice{{Index: 0, Actor: 1, Label: "a:b"}}, Steps: 1}
	b, err := s.Marshal()
	require.NoError(f, err)
	f.Add(b, false, false)
	f.Add(b, true, false)
	// A label one byte above MaxString, refused as it is read, and one
	// at it, read.
	for _, label := range []string{"ab~~", "a~~"} {
		s.Choices[0].Label = label
		b, err = s.Marshal()
		require.NoError(f, err)
		f.Add(b, true, true)
	}
	v2, v3, _ := scheduleSeeds(f)
	for _, b := range append(append([][]byte{v2, v3}, deviceSeeds(f)...), explorationSeeds(f)...) {
		f.Add(b, false, false)
		f.Add(b, true, false)
	}
	f.Fuzz(func(t *testing.T, in []byte, reseal, long bool) {
		if long {
			in = widen(in)
		}
		resealed := false
		if reseal {
			in, resealed = Reseal(in)
		}
		s, err := Parse(in)
		if err != nil {
			if resealed && strings.Contains(err.Error(), "field checksum") {
				t.Fatalf("a resealed input is refused for its checksum: %v\n%s", err, in)
			}
			if strings.Contains(err.Error(), "field choices.") {
				t.Fatalf("an error in a choice does not name its index: %v\n%s", err, in)
			}
			var ls *longStringError
			if errors.As(err, &ls) && (ls.off < 0 || ls.off >= int64(len(in)) || in[ls.off] != '"') {
				t.Fatalf("a long name's byte offset is not a string's opening quote: %v\n%s", err, in)
			}
			var fe *fieldError
			if errors.As(err, &fe) && fe.off >= int64(len(in)) {
				t.Fatalf("a field's byte offset is past the file's end: %v\n%s", err, in)
			}
			if msg := jsonpathtest.KindWordingProblem(err.Error(), in); msg != "" {
				t.Fatalf("%s: %v\n%s", msg, err, in)
			}
			return
		}
		out, err := s.Marshal()
		require.NoError(t, err)
		back, err := Parse(out)
		require.NoError(t, err, "%s", out)
		again, err := back.Marshal()
		require.NoError(t, err)
		assert.Equal(t, string(out), string(again))
	})
}

// widen returns in with its first "~~" replaced by MaxString-1 bytes of
// '~' (in itself when it has none): FuzzParseSchedule's long inputs.
func widen(in []byte) []byte {
	i := bytes.Index(in, []byte("~~"))
	if i < 0 {
		return in
	}
	return slices.Concat(in[:i], bytes.Repeat([]byte("~"), MaxString-1), in[i+2:])
}

// TestStored_MirrorsSchedule: the stored form has Schedule's stored
// fields, in Schedule's order and under its JSON names, so a field added
// to Schedule is not silently left out of the file.
func TestStored_MirrorsSchedule(t *testing.T) {
	var want, got []string
	st := reflect.TypeFor[Schedule]()
	for i := range st.NumField() {
		if tag := st.Field(i).Tag.Get("json"); tag != "-" {
			want = append(want, st.Field(i).Name+" "+tag)
		}
	}
	wt := reflect.TypeFor[stored]()
	for i := range wt.NumField() {
		got = append(got, wt.Field(i).Name+" "+wt.Field(i).Tag.Get("json"))
	}
	assert.Equal(t, want, got)
}

// The long seeds of FuzzParseSchedule reach the limit on names: widened
// and resealed, a label of "ab~~" is one byte above MaxString, refused at
// its opening quote, and "a~~" is at it and reads.
func TestWiden(t *testing.T) {
	for _, tc := range []struct {
		label string
		n     int
		ok    bool
	}{{"ab~~", MaxString + 1, false}, {"a~~", MaxString, true}, {"none", 4, true}} {
		s := &Schedule{Format: Format, Edition: "draft-2023", Scenario: "x", Strategy: engine.StrategyRandom,
			TraceHash: "0000000000000000", Seed: engine.ScheduleSeed(3, 2), BaseSeed: 3, Index: 2,
			Choices: []engine.Choice{{Index: 0, Actor: 1, Label: tc.label}}, Steps: 1}
		b, err := s.Marshal()
		require.NoError(t, err)
		in, resealed := Reseal(widen(b))
		require.True(t, resealed)
		got, err := Parse(in)
		if tc.ok {
			require.NoError(t, err, tc.label)
			assert.Len(t, got.Choices[0].Label, tc.n, tc.label)
			continue
		}
		var ls *longStringError
		require.ErrorAs(t, err, &ls, tc.label)
		assert.Equal(t, tc.n, ls.n)
		assert.Equal(t, byte('"'), in[ls.off])
	}
}

// A finding's device-failure mark (engine.Finding.DeviceError) survives
// the schedule file: written as "device_error" and read back, under the
// checksum (a file whose mark was changed is refused); a finding without
// the mark writes no such field.
func TestSchedule_DeviceErrorMarkRoundTrip(t *testing.T) {
	seed := engine.ScheduleSeed(77, 3)
	res, err := engine.Run(lostUpdate, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{})
	require.NoError(t, err)
	for _, kind := range []string{"fault", "protocol", ""} {
		s := New(engine.StrategyRandom, res)
		s.Edition, s.Knobs, s.Scenario, s.ScenarioHash = "virtio-1.4", []string{}, "toy", "abc"
		s.BaseSeed, s.Index = 77, 3
		s.Finding = &engine.Finding{Oracle: engine.OraclePanic, Step: len(s.Choices) - 1,
			Message: "extdevice: device fault: ./dev: event 3: read outside guest memory", DeviceError: kind}
		path := filepath.Join(t.TempDir(), "s.json")
		require.NoError(t, s.WriteFile(path))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, kind != "", bytes.Contains(b, []byte(`"device_error": "`+kind+`"`)), "%s", b)
		assert.Equal(t, kind != "", bytes.Contains(b, []byte(`"device_error"`)), "%s", b)
		got, err := ReadFile(path)
		require.NoError(t, err)
		require.NotNil(t, got.Finding)
		assert.Equal(t, kind, got.Finding.DeviceError, "kind %q", kind)
		if kind == "" {
			continue
		}
		edited := bytes.Replace(b, []byte(`"device_error": "`+kind+`"`), []byte(`"device_error": "interrupted"`), 1)
		require.NoError(t, os.WriteFile(path, edited, 0o644))
		_, err = ReadFile(path)
		assert.ErrorContains(t, err, "checksum", "kind %q: an edited mark is refused", kind)
	}
}
