package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
)

// ScheduleFormat is the version of the schedule file format this package
// writes and reads.
const ScheduleFormat = 1

// Schedule is a replayable run: what system to build (edition, knobs,
// scenario — opaque to the engine, which checks only that they are
// present; the package that builds the system checks their meaning), the
// seed its streams come from, and every choice. It is stored as a
// versioned JSON file (docs/engine.md).
type Schedule struct {
	// Format is ScheduleFormat.
	Format int `json:"format"`
	// Module is the migsim module version that recorded it ("devel" when
	// unknown).
	Module string `json:"module"`
	// Edition names the spec edition the system runs (draft-2023,
	// virtio-1.4).
	Edition string `json:"edition"`
	// Knobs are key=value pairs that differ from the edition's defaults.
	Knobs []string `json:"knobs"`
	// Scenario names the scenario; ScenarioHash is a hash of its text, so
	// a replay against an edited scenario is refused.
	Scenario     string `json:"scenario"`
	ScenarioHash string `json:"scenario_hash"`
	// ScenarioFile is the path the scenario was read from when it is not
	// one of the embedded catalog's (empty for catalog scenarios).
	ScenarioFile string `json:"scenario_file,omitempty"`
	// Settings are the world settings (key=value) the judged expectation
	// applied on top of the scenario's own `set` lines.
	Settings []string `json:"settings,omitempty"`
	// Seed is the run's seed (not the exploration's base seed).
	Seed uint64 `json:"seed"`
	// Strategy is the strategy that found the schedule.
	Strategy string `json:"strategy"`
	// Steps and Preemptions describe the choice list.
	Steps       int `json:"steps"`
	Preemptions int `json:"preemptions"`
	// TraceHash is Result.TraceHash as 16 hex digits; a replay must match.
	TraceHash string `json:"trace_hash"`
	// Finding is the violation the schedule ends in, if any.
	Finding *Finding `json:"finding,omitempty"`
	// Choices lists every pick.
	Choices []Choice `json:"choices"`
}

var moduleVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
})

// ModuleVersion returns the main module's version from the build info, or
// "devel" when it is unknown (go run, go test).
func ModuleVersion() string { return moduleVersion() }

// FormatHash renders a 64-bit hash as 16 hex digits.
func FormatHash(h uint64) string { return fmt.Sprintf("%016x", h) }

// NewSchedule records a run's result. The caller fills Edition, Knobs,
// Scenario and ScenarioHash.
func NewSchedule(strategy string, res Result) *Schedule {
	return &Schedule{
		Format:      ScheduleFormat,
		Module:      ModuleVersion(),
		Knobs:       []string{},
		Seed:        res.Seed,
		Strategy:    strategy,
		Steps:       len(res.Choices),
		Preemptions: res.Preemptions,
		TraceHash:   FormatHash(res.TraceHash),
		Finding:     res.Finding,
		Choices:     append([]Choice{}, res.Choices...),
	}
}

// Marshal encodes the schedule as indented JSON with a final newline.
func (s *Schedule) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("engine: encode schedule: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteFile writes the schedule to path.
func (s *Schedule) WriteFile(path string) error {
	b, err := s.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("engine: write schedule: %w", err)
	}
	return nil
}

// ReadScheduleFile reads and validates a schedule file. Errors name the
// file and the field (and the byte offset for malformed JSON).
func ReadScheduleFile(path string) (*Schedule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("engine: read schedule: %w", err)
	}
	s, err := parseSchedule(b)
	if err != nil {
		return nil, fmt.Errorf("engine: schedule %s: %w", path, err)
	}
	return s, nil
}

// ParseSchedule decodes and validates a schedule. Unknown fields are
// errors, so a typo is not silently ignored.
func ParseSchedule(b []byte) (*Schedule, error) {
	s, err := parseSchedule(b)
	if err != nil {
		return nil, fmt.Errorf("engine: schedule: %w", err)
	}
	return s, nil
}

func parseSchedule(b []byte) (*Schedule, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Schedule
	if err := dec.Decode(&s); err != nil {
		return nil, describeJSONError(err)
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the schedule at byte offset %d", dec.InputOffset())
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func describeJSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON at byte offset %d: %w", syn.Offset, err)
	case errors.As(err, &typ):
		return fmt.Errorf("field %s: got JSON %s, want %s (byte offset %d)", typ.Field, typ.Value, typ.Type, typ.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("truncated JSON: %w", err)
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
	if s.Format != ScheduleFormat {
		return fmt.Errorf("field format: version %d, want %d", s.Format, ScheduleFormat)
	}
	if s.Edition == "" {
		return errors.New("field edition: empty")
	}
	if s.Scenario == "" {
		return errors.New("field scenario: empty")
	}
	if _, err := ParseStrategy(s.Strategy); err != nil {
		return fmt.Errorf("field strategy: %w", err)
	}
	if _, err := strconv.ParseUint(s.TraceHash, 16, 64); err != nil || len(s.TraceHash) != 16 {
		return fmt.Errorf("field trace_hash: %q is not 16 hex digits", s.TraceHash)
	}
	if s.Steps != len(s.Choices) {
		return fmt.Errorf("field steps: %d, but %d choices", s.Steps, len(s.Choices))
	}
	for i, c := range s.Choices {
		if c.Index < 0 {
			return fmt.Errorf("field choices[%d].i: negative index %d", i, c.Index)
		}
		if c.Actor < 0 {
			return fmt.Errorf("field choices[%d].actor: negative actor %d", i, c.Actor)
		}
		if c.Label == "" {
			return fmt.Errorf("field choices[%d].label: empty", i)
		}
	}
	if s.Preemptions < 0 || s.Preemptions > len(s.Choices) {
		return fmt.Errorf("field preemptions: %d out of range [0, %d]", s.Preemptions, len(s.Choices))
	}
	if s.Finding != nil && s.Finding.Oracle == "" {
		return errors.New("field finding.oracle: empty")
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
// same trace hash. The Result is returned even when the check fails.
func (s *Schedule) Replay(f Factory, cfg RunConfig) (Result, error) {
	res, err := Run(f, s.Seed, NewReplay(s.Choices), cfg)
	if err != nil {
		return res, fmt.Errorf("engine: replay of seed %d: %w", s.Seed, err)
	}
	if len(res.Choices) != len(s.Choices) {
		return res, fmt.Errorf("engine: replay of seed %d: %w: run ended after %d steps (%s), schedule has %d",
			s.Seed, ErrDiverged, len(res.Choices), endReason(res), len(s.Choices))
	}
	if want, got := oracleOf(s.Finding), oracleOf(res.Finding); want != got {
		return res, fmt.Errorf("engine: replay of seed %d: %w: finding %q, recorded %q", s.Seed, ErrDiverged, got, want)
	}
	if got := FormatHash(res.TraceHash); got != s.TraceHash {
		return res, fmt.Errorf("engine: replay of seed %d: %w: trace hash %s, recorded %s", s.Seed, ErrDiverged, got, s.TraceHash)
	}
	return res, nil
}

func oracleOf(f *Finding) string {
	if f == nil {
		return ""
	}
	return f.Oracle
}

func endReason(res Result) string {
	if res.Finding != nil {
		return "finding " + res.Finding.Oracle
	}
	return "done"
}
