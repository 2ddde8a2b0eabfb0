// Package schedfile is the schedule file: a replayable run of the engine
// (seed, strategy, every choice, what system it ran) stored as versioned,
// checksummed JSON (docs/engine.md, "Schedule files"), its reader with
// errors naming the file and the field, and its strict replay.
package schedfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/echo"
	"github.com/migsim/migsim/internal/inputfile"
	"github.com/migsim/migsim/internal/jsonpath"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/internal/plural"
)

// Format is the version of the schedule file format this package
// writes: format 4 with the exploration that found the schedule
// (Exploration), so that it can be run again once the scenario's explore
// line or a default changes. It reads Format, FormatV4, FormatV3, FormatV2
// and FormatV1.
const Format = 5

// FormatV3 is an older format, still read: format 4 but for its scenario
// hash, of the scenario's whole parsed form; format 4's hashes only what a
// run of the scenario depends on (the package that builds the system
// computes it: the catalog's scenario.RunHash), so that rewording a
// scenario's prose or adding a row does not make its schedules stale.
const FormatV3 = 3

// FormatV2 is format 3 but for its seeds, JSON numbers, which readers that
// hold numbers as doubles (JavaScript, jq before 1.7) round above 2^53;
// still read.
const FormatV2 = 2

// FormatV1 is the first format, still read: FormatV2 without a base seed,
// index, scenario text or checksum; its scenario hash is a hash of the
// scenario file's bytes and its scenario file a path relative to where it
// was recorded.
const FormatV1 = 1

// Schedule is a replayable run: what system to build (edition, knobs,
// scenario — opaque to the engine, which checks only that they are
// present; the package that builds the system checks their meaning), the
// seed its streams come from, and every choice. It is stored as a
// versioned JSON file (docs/engine.md).
type Schedule struct {
	// Format is the format version the file was written in (Format,
	// FormatV4, FormatV3, FormatV2, FormatV1).
	Format int `json:"format"`
	// Module is the migsim module version that recorded it ("devel" when
	// unknown).
	Module string `json:"module"`
	// Edition names the spec edition the system runs (draft-2023,
	// virtio-1.4).
	Edition string `json:"edition"`
	// Knobs are key=value pairs that differ from the edition's defaults.
	Knobs []string `json:"knobs"`
	// Scenario names the scenario; ScenarioHash is a hash of its parsed
	// (canonical) form, so a replay against an edited scenario is refused
	// and a comment edit is not an edit.
	Scenario     string `json:"scenario"`
	ScenarioHash string `json:"scenario_hash"`
	// ScenarioFile is where the scenario was read from when it is not one
	// of the embedded catalog's (empty for catalog scenarios): a path
	// relative to the schedule file's directory. ScenarioText is its
	// canonical text, replayed when the file is gone.
	ScenarioFile string `json:"scenario_file,omitempty"`
	ScenarioText string `json:"scenario_text,omitempty"`
	// Settings are the world settings (key=value) the judged expectation
	// applied on top of the scenario's own `set` lines.
	Settings []string `json:"settings,omitempty"`
	// Device names the device under test whose members ran the schedule,
	// as migsim conform --device names it (builtin:blk, builtin:net,
	// builtin:mutant/NAME, exec:PATH; go:NAME for a device of the Go
	// program that ran the kit), and DeviceArgs an exec device's
	// arguments; both empty (and absent from the file) for the reference
	// members, which explore and run record (docs/engine.md, "Schedule
	// files").
	Device     string   `json:"device,omitempty"`
	DeviceArgs []string `json:"device_args,omitempty"`
	// DeviceTimeout is the deadline of every request to an exec device the
	// run was made with (migsim conform --timeout), when it was not the
	// default: a replay with that device prints and uses it. Zero (no
	// field) for the default and for every other device; format 4 on.
	DeviceTimeout time.Duration `json:"device_timeout,omitempty"`
	// BaseSeed and Index are the exploration's base seed and the
	// schedule's index in it: Seed is engine.ScheduleSeed(BaseSeed, Index).
	// For dfs, Index is the run's number in the depth-first order of the
	// whole search and Seed is engine.ScheduleSeed(BaseSeed, 0) for every
	// run.
	BaseSeed uint64 `json:"base_seed"`
	Index    int    `json:"index"`
	// Seed is the run's seed (not the exploration's base seed).
	Seed uint64 `json:"seed"`
	// Strategy is the strategy that found the schedule.
	Strategy string `json:"strategy"`
	// Exploration is the rest of the exploration that found the schedule
	// (format 5 on; nil in older files, and in a file no exploration
	// found).
	Exploration *Exploration `json:"exploration,omitempty"`
	// Steps and Preemptions describe the choice list.
	Steps       int `json:"steps"`
	Preemptions int `json:"preemptions"`
	// TraceHash is engine.Result.TraceHash as 16 hex digits; a replay must match.
	TraceHash string `json:"trace_hash"`
	// Finding is the violation the schedule ends in, if any.
	Finding *engine.Finding `json:"finding,omitempty"`
	// Choices lists every pick.
	Choices []engine.Choice `json:"choices"`
	// Checksum is a hash of every other field (Seal): a file edited by hand
	// is refused, whichever field changed.
	Checksum string `json:"checksum,omitempty"`
	// Dir is the directory of the file the schedule was read from (not
	// stored): a relative ScenarioFile resolves against it.
	Dir string `json:"-"`
}

// New records a run's result. The caller fills Edition, Knobs,
// Scenario and ScenarioHash, and BaseSeed and Index when they are known.
func New(strategy string, res engine.Result) *Schedule {
	return &Schedule{
		Format:      Format,
		Module:      engine.ModuleVersion(),
		Knobs:       []string{},
		Seed:        res.Seed,
		Strategy:    strategy,
		Steps:       len(res.Choices),
		Preemptions: res.Preemptions,
		TraceHash:   engine.FormatHash(res.TraceHash),
		Finding:     res.Finding,
		Choices:     append([]engine.Choice{}, res.Choices...),
	}
}

// Seal sets the checksum of a schedule of format 2 or later from its other
// fields.
func (s *Schedule) Seal() error {
	sum, err := s.checksum()
	if err != nil {
		return err
	}
	s.Checksum = sum
	return nil
}

// stored is a schedule as its file holds it: Schedule's stored fields in
// its order, the seeds as its format writes them (format 3 on a JSON string
// of decimal digits, before a JSON number).
type stored struct {
	Format        int                `json:"format"`
	Module        string             `json:"module"`
	Edition       string             `json:"edition"`
	Knobs         []string           `json:"knobs"`
	Scenario      string             `json:"scenario"`
	ScenarioHash  string             `json:"scenario_hash"`
	ScenarioFile  string             `json:"scenario_file,omitempty"`
	ScenarioText  string             `json:"scenario_text,omitempty"`
	Settings      []string           `json:"settings,omitempty"`
	Device        string             `json:"device,omitempty"`
	DeviceArgs    []string           `json:"device_args,omitempty"`
	DeviceTimeout string             `json:"device_timeout,omitempty"`
	BaseSeed      json.RawMessage    `json:"base_seed"`
	Index         int                `json:"index"`
	Seed          json.RawMessage    `json:"seed"`
	Strategy      string             `json:"strategy"`
	Exploration   *storedExploration `json:"exploration,omitempty"`
	Steps         int                `json:"steps"`
	Preemptions   int                `json:"preemptions"`
	TraceHash     string             `json:"trace_hash"`
	Finding       *engine.Finding    `json:"finding,omitempty"`
	Choices       []engine.Choice    `json:"choices"`
	Checksum      string             `json:"checksum,omitempty"`
}

// stored renders the schedule as its format stores it.
func (s *Schedule) stored() stored {
	seed := func(v uint64) json.RawMessage {
		b := strconv.AppendUint(nil, v, 10)
		if s.Format >= FormatV3 {
			b = strconv.AppendQuote(nil, string(b))
		}
		return b
	}
	return stored{Format: s.Format, Module: s.Module, Edition: s.Edition, Knobs: s.Knobs, Scenario: s.Scenario,
		ScenarioHash: s.ScenarioHash, ScenarioFile: s.ScenarioFile, ScenarioText: s.ScenarioText, Settings: s.Settings,
		Device: s.Device, DeviceArgs: s.DeviceArgs, DeviceTimeout: timeoutText(s.DeviceTimeout), BaseSeed: seed(s.BaseSeed), Index: s.Index, Seed: seed(s.Seed), Strategy: s.Strategy, Exploration: s.Exploration.stored(s.Strategy), Steps: s.Steps,
		Preemptions: s.Preemptions, TraceHash: s.TraceHash, Finding: s.Finding, Choices: s.Choices, Checksum: s.Checksum}
}

// schedule reads a stored schedule back; a seed or a device_timeout not
// written as its format writes it is an error naming the field. The seeds
// and the device_timeout of a format this package does not read are left
// zero (validate names the format: a newer writer may store them
// otherwise).
func (st *stored) schedule() (*Schedule, error) {
	s := &Schedule{Format: st.Format, Module: st.Module, Edition: st.Edition, Knobs: st.Knobs, Scenario: st.Scenario,
		ScenarioHash: st.ScenarioHash, ScenarioFile: st.ScenarioFile, ScenarioText: st.ScenarioText, Settings: st.Settings,
		Device: st.Device, DeviceArgs: st.DeviceArgs, Index: st.Index, Strategy: st.Strategy, Exploration: st.Exploration.exploration(), Steps: st.Steps, Preemptions: st.Preemptions, TraceHash: st.TraceHash,
		Finding: st.Finding, Choices: st.Choices, Checksum: st.Checksum}
	if len(s.DeviceArgs) == 0 {
		s.DeviceArgs = nil // "device_args": [] is no field: the file writes none
	}
	if len(s.Settings) == 0 {
		s.Settings = nil // likewise "settings": []
	}
	if !known(st.Format) {
		return s, nil
	}
	var err error
	if s.DeviceTimeout, err = parseTimeout(st.DeviceTimeout); err != nil {
		return nil, err
	}
	if s.BaseSeed, err = parseSeed("base_seed", st.BaseSeed, st.Format); err != nil {
		return nil, err
	}
	if s.Seed, err = parseSeed("seed", st.Seed, st.Format); err != nil {
		return nil, err
	}
	return s, nil
}

// formatError refuses a file of format f, one this package does not read.
func formatError(f int) error {
	return fieldErrorf("format", "version %d, want %d (or %d, %d, %d, %d)", f, Format, FormatV4, FormatV3, FormatV2, FormatV1)
}

// known reports whether this package reads schedule files of format f.
func known(f int) bool { return f >= FormatV1 && f <= Format }

// parseSeed reads a stored seed: from format 3 on a JSON string of decimal
// digits, before a JSON number; absent or null is 0.
func parseSeed(field string, raw json.RawMessage, format int) (uint64, error) {
	text := string(bytes.TrimSpace(raw))
	if text == "" || text == "null" {
		return 0, nil
	}
	kind, want := "number", "number (integer 0..2^64-1)"
	switch {
	case text[0] == '"':
		kind = "string"
	case text == "true" || text == "false":
		kind = "boolean"
	case text[0] == '{':
		kind = "object"
	case text[0] == '[':
		kind = "array"
	}
	if format >= FormatV3 {
		want = fmt.Sprintf("a string of decimal digits (format %d)", format)
		if kind == "string" && json.Unmarshal(raw, &text) == nil {
			if v, err := strconv.ParseUint(text, 10, 64); err == nil {
				return v, nil
			}
			return 0, fieldErrorf(field, "%s is not a decimal uint64", echo.Quote(text))
		}
	} else if kind == "number" {
		if v, err := strconv.ParseUint(text, 10, 64); err == nil {
			return v, nil
		}
		kind = "number " + text
	}
	return 0, fieldErrorf(field, "got JSON %s, want %s", kind, want)
}

// MarshalJSON encodes the schedule sealed (format 2 and later: with the
// checksum of its fields), also when it is embedded in another document.
func (s Schedule) MarshalJSON() ([]byte, error) {
	if s.Format != FormatV1 {
		sum, err := s.checksum()
		if err != nil {
			return nil, err
		}
		s.Checksum = sum
	}
	return json.Marshal(s.stored())
}

// UnmarshalJSON decodes a schedule strictly (unknown fields are errors),
// also when it is embedded in another document; it does not validate it.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var st stored
	if err := dec.Decode(&st); err != nil {
		return err
	}
	got, err := st.schedule()
	if err != nil {
		return err
	}
	*s = *got
	return nil
}

// JSONKind says that a schedule is a JSON object, for an error that names
// a value of another kind in its place (jsonpath.Kind).
func (*Schedule) JSONKind() string { return "object" }

// Sum returns the checksum of the schedule's fields (every stored field
// but Checksum), the one Seal sets: a reader of a document that embeds a
// schedule compares it with Checksum, as Parse does for a schedule file.
func (s *Schedule) Sum() (string, error) { return s.checksum() }

// checksum hashes every stored field but Checksum, as the format stores
// them.
func (s *Schedule) checksum() (string, error) {
	c := s.stored()
	c.Checksum = ""
	sum, err := Checksum(&c)
	if err != nil {
		return "", fmt.Errorf("engine: encode schedule: %w", err)
	}
	return sum, nil
}

// Checksum is the checksum the project's sealed JSON files carry (schedule
// files, shard summaries): the first 8 bytes of the SHA-256 of v's JSON
// encoding, in hex. The caller clears v's own checksum field first.
func Checksum(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]), nil
}

// Marshal seals a schedule of format 2 or later (Seal) and encodes it as
// indented JSON with a final newline.
func (s *Schedule) Marshal() ([]byte, error) {
	if s.Format != FormatV1 {
		if err := s.Seal(); err != nil {
			return nil, err
		}
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("engine: encode schedule: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteFile writes the schedule to path, replacing the file there whole
// or not at all (keepfile.Replace): a new file gets keepfile.Perm less the
// umask, a file written over keeps its mode.
func (s *Schedule) WriteFile(path string) error {
	b, err := s.Marshal()
	if err != nil {
		return err
	}
	if err := keepfile.Replace(path, b); err != nil {
		return fmt.Errorf("engine: write schedule: %w", err)
	}
	return nil
}

// ReadFile reads and validates a schedule file and sets Dir.
// Errors name the file and the field (and the byte offset for malformed
// JSON). A path that is not a regular file, or a file above
// inputfile.Schedule, is refused.
func ReadFile(path string) (*Schedule, error) {
	b, err := inputfile.ReadFile(path, inputfile.Schedule)
	if err != nil {
		return nil, fmt.Errorf("engine: read schedule: %w", err)
	}
	s, err := parse(b)
	if err != nil {
		return nil, fmt.Errorf("engine: schedule %s: %w", path, err)
	}
	s.Dir = filepath.Dir(path)
	return s, nil
}

// Parse decodes and validates a schedule. Unknown fields are
// errors, so a typo is not silently ignored.
func Parse(b []byte) (*Schedule, error) {
	s, err := parse(b)
	if err != nil {
		return nil, fmt.Errorf("engine: schedule: %w", err)
	}
	return s, nil
}

func parse(b []byte) (*Schedule, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var st stored
	if err := dec.Decode(&st); err != nil {
		var probe struct {
			Format  *int            `json:"format"`
			Report  json.RawMessage `json:"report"`
			Choices json.RawMessage `json:"choices"`
		}
		if json.Unmarshal(b, &probe) == nil && probe.Report != nil && probe.Choices == nil {
			// The other file explore writes (its format numbers
			// differ): what it is says more than its version.
			return nil, errors.New("a shard summary (migsim merge reads it), not a schedule file")
		}
		if json.Unmarshal(b, &probe) == nil && probe.Format != nil && !known(*probe.Format) {
			// Another format's fields are not this one's: its version
			// says what is wrong, the field does not.
			return nil, formatError(*probe.Format)
		}
		if uerr := jsonpath.UnknownFieldError(err, b, reflect.TypeFor[stored]()); uerr != err {
			return nil, uerr
		}
		if looksLikeScenario(b) {
			// The scenario the schedule runs, given in its place: what it
			// is says more than the JSON error at its first byte.
			return nil, errors.New("a scenario file (migsim explore --scenario FILE explores it and writes schedule files), not a schedule file")
		}
		return nil, describeJSONError(err, b)
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the schedule at byte offset %d", dec.InputOffset())
	}
	if jsonpath.IsNull(b) {
		return nil, errors.New("not a JSON object: the file holds JSON null")
	}
	s, err := st.schedule()
	if err != nil {
		return nil, locate(err, b)
	}
	if err := s.validate(); err != nil {
		return nil, locate(err, b)
	}
	if err := validateExploration(s, st.Exploration); err != nil {
		// The fields as the file gives them: one of another strategy's
		// is refused, not dropped.
		return nil, locate(err, b)
	}
	if s.Format != FormatV1 {
		sum, err := s.checksum()
		if err != nil {
			return nil, err
		}
		if sum != s.Checksum {
			return nil, locate(fieldErrorf("checksum", "the file was edited after it was written (its fields hash to %s, checksum %s); a schedule replays as recorded: explore again for a new one", sum, echo.Quote(s.Checksum)), b)
		}
	}
	return s, nil
}

// looksLikeScenario reports whether b begins as a scenario file does
// (docs/scenarios.md): its first line that is neither blank nor a
// comment is a scenario directive, or it opens with a comment, which
// JSON has none of.
func looksLikeScenario(b []byte) bool {
	text := strings.TrimPrefix(string(b[:min(len(b), 4096)]), "\ufeff")
	for line := range strings.Lines(text) {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			continue
		case strings.HasPrefix(t, "#"):
			return true
		}
		return strings.Fields(t)[0] == "scenario"
	}
	return false
}

// describeJSONError says what is wrong with the JSON b that err decoding
// it reported: the byte offset, and for a value of the wrong type its full
// path (choices[3].i; the decoder itself names it choices.i).
func describeJSONError(err error, b []byte) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) && syn.Offset == 1 && inputfile.HasBOM(b):
		// An editor that saves UTF-8 with a byte-order mark; the decoder
		// would name its first byte as the character 'ï'.
		return fmt.Errorf("malformed JSON at byte offset 0: %w", inputfile.BOMError("JSON"))
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON at byte offset %d: %w", syn.Offset, err)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("not a JSON object: the file holds a JSON %s", jsonpath.ValueKind(typ.Value))
	case errors.As(err, &typ):
		m := jsonpath.MismatchOf(b, typ)
		return fmt.Errorf("field %s: got JSON %s, want %s (byte offset %d)", m.Path, m.Got, m.Want, m.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("malformed JSON: truncated at byte %d of %d: the JSON does not end", len(b), len(b))
	case errors.Is(err, io.EOF):
		return errors.New("empty file")
	}
	return fmt.Errorf("decode: %w", err)
}

// Validate checks every field and names the first bad one.
func (s *Schedule) Validate() error {
	if err := s.validate(); err != nil {
		return fmt.Errorf("engine: schedule: %w", err)
	}
	return nil
}

func (s *Schedule) validate() error {
	if !known(s.Format) {
		return formatError(s.Format)
	}
	if err := s.checkStrings(); err != nil {
		return err
	}
	if s.Edition == "" {
		return fieldErrorf("edition", "empty")
	}
	if s.Scenario == "" {
		return fieldErrorf("scenario", "empty")
	}
	if _, err := engine.ParseStrategy(s.Strategy); err != nil {
		return fieldErrorf("strategy", "%w", err)
	}
	if _, err := strconv.ParseUint(s.TraceHash, 16, 64); err != nil || len(s.TraceHash) != 16 {
		return fieldErrorf("trace_hash", "%s is not 16 hex digits", echo.Quote(s.TraceHash))
	}
	if s.Steps != len(s.Choices) {
		return fieldErrorf("steps", "%d, but %d choices", s.Steps, len(s.Choices))
	}
	for i, c := range s.Choices {
		if c.Index < 0 {
			return fieldErrorf(fmt.Sprintf("choices[%d].i", i), "negative index %d", c.Index)
		}
		if c.Actor < 0 {
			return fieldErrorf(fmt.Sprintf("choices[%d].actor", i), "negative actor %d", c.Actor)
		}
		if c.Label == "" {
			return fieldErrorf(fmt.Sprintf("choices[%d].label", i), "empty")
		}
	}
	if s.Preemptions < 0 || s.Preemptions > len(s.Choices) {
		return fieldErrorf("preemptions", "%d out of range [0, %d]", s.Preemptions, len(s.Choices))
	}
	if s.Finding != nil && s.Finding.Oracle == "" {
		return fieldErrorf("finding.oracle", "empty")
	}
	// A finding is seen after a step (index 0 to steps-1), before the
	// first (-1: nothing could run) or after the last (steps: a panic
	// once the steps ran out).
	if s.Finding != nil && (s.Finding.Step < -1 || s.Finding.Step > len(s.Choices)) {
		return fieldErrorf("finding.step", "%d out of range [-1, %d] (an index from 0 into the file's %d steps)",
			s.Finding.Step, len(s.Choices), len(s.Choices))
	}
	if err := validateDevice(s.Device, s.DeviceArgs); err != nil {
		return err
	}
	if err := validateDeviceTimeout(s); err != nil {
		return err
	}
	if err := validateExploration(s, nil); err != nil {
		return err
	}
	if s.Format == FormatV1 {
		return nil
	}
	if s.Checksum == "" {
		return fieldErrorf("checksum", "missing")
	}
	if s.Index < 0 {
		return fieldErrorf("index", "negative %d", s.Index)
	}
	idx := s.Index
	if s.Strategy == engine.StrategyDFS {
		idx = 0
	}
	if want := engine.ScheduleSeed(s.BaseSeed, idx); s.Seed != want {
		return fieldErrorf("seed", "%d is not the seed of schedule #%d from base seed %d (%d)", s.Seed, s.Index, s.BaseSeed, want)
	}
	return nil
}

// Hash parses TraceHash.
func (s *Schedule) Hash() uint64 {
	h, _ := strconv.ParseUint(s.TraceHash, 16, 64)
	return h
}

// Replay runs the schedule strictly against a system built by f from the
// schedule's seed, and checks the run: same steps, same finding oracle,
// same trace hash. The Result is returned even when the check fails. A
// divergence of a schedule another module version recorded says so.
func (s *Schedule) Replay(f engine.Factory, cfg engine.RunConfig) (engine.Result, error) {
	res, err := s.replay(f, cfg)
	if errors.Is(err, engine.ErrDiverged) && s.Module != engine.ModuleVersion() {
		// A schedule replays as the build that recorded it ran: another
		// version's simulator may take other steps, which is no finding.
		err = fmt.Errorf("%w (recorded by migsim %s, replayed by migsim %s: another version's simulator can run the same choices otherwise; explore again with this one)",
			err, s.Module, engine.ModuleVersion())
	}
	return res, err
}

func (s *Schedule) replay(f engine.Factory, cfg engine.RunConfig) (engine.Result, error) {
	res, err := engine.Run(f, s.Seed, engine.NewReplay(s.Choices), cfg)
	if err != nil {
		return res, fmt.Errorf("engine: seed %d: %w", s.Seed, err)
	}
	if len(res.Choices) != len(s.Choices) {
		return res, fmt.Errorf("engine: seed %d: %w: run ended after %s (%s), the schedule has %s",
			s.Seed, engine.ErrDiverged, plural.Count(len(res.Choices), "step"), endReason(res), plural.Count(len(s.Choices), "choice"))
	}
	for i, c := range res.Choices {
		if c.Actor != s.Choices[i].Actor {
			return res, fmt.Errorf("engine: seed %d: %w at step %d: %s is actor %d's step, recorded actor %d",
				s.Seed, engine.ErrDiverged, engine.ShownStep(i), echo.Quote(c.Label), c.Actor, s.Choices[i].Actor)
		}
	}
	if res.Preemptions != s.Preemptions {
		return res, fmt.Errorf("engine: seed %d: %w: %d preemptions, recorded %d", s.Seed, engine.ErrDiverged, res.Preemptions, s.Preemptions)
	}
	if want, got := oracleOf(s.Finding), oracleOf(res.Finding); want != got {
		return res, fmt.Errorf("engine: seed %d: %w: finding %s, recorded %s", s.Seed, engine.ErrDiverged, echo.Quote(got), echo.Quote(want))
	}
	if s.Finding != nil && res.Finding.Step != s.Finding.Step {
		return res, fmt.Errorf("engine: seed %d: %w: finding %s at step %d, recorded at step %d",
			s.Seed, engine.ErrDiverged, res.Finding.Oracle, engine.ShownStep(res.Finding.Step), engine.ShownStep(s.Finding.Step))
	}
	if got := engine.FormatHash(res.TraceHash); got != s.TraceHash {
		return res, fmt.Errorf("engine: seed %d: %w: trace hash %s, recorded %s", s.Seed, engine.ErrDiverged, got, s.TraceHash)
	}
	return res, nil
}

func endReason(res engine.Result) string {
	if res.Finding != nil {
		return "finding " + res.Finding.Oracle
	}
	return "done"
}

func oracleOf(f *engine.Finding) string {
	if f == nil {
		return ""
	}
	return f.Oracle
}
