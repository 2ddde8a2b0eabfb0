package usererr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/scenario"
)

// TestText: errors show without the module's package prefixes, and
// scenario errors as file:line:col alone.
func TestText(t *testing.T) {
	pe := &scenario.ParseError{File: "x.scn", Line: 3, Col: 5, Msg: "unknown verb"}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"prefixes one after another", errors.New("engine: seed 7: engine: replay diverged at step 3"), "seed 7: replay diverged at step 3"},
		{"nested prefixes", errors.New("catalog: target x draft-2023: --knob k: spec: unknown knob"), "target x draft-2023: --knob k: unknown knob"},
		{"a flag name is not a package", fmt.Errorf("--spec: %w", errors.New("unknown edition")), "--spec: unknown edition"},
		{"a field named as a package", errors.New("engine: schedule s.json: field scenario: a string of 102400 bytes"), "schedule s.json: field scenario: a string of 102400 bytes"},
		{"a prefix in parentheses and on a line of its own", errors.New("x (engine: y)\nworld: z"), "x (y)\nz"},
		{"a scenario error as it is", fmt.Errorf("catalog: load: %w", pe), pe.Error()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Text(c.err))
		})
	}
}

// TestIsInput: parse and check errors of a scenario are the user's input,
// wrapped or not; other errors are not.
func TestIsInput(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"parse error", fmt.Errorf("catalog: %w", &scenario.ParseError{File: "x.scn", Line: 1, Col: 1, Msg: "bad"}), true},
		{"check error", &scenario.CheckError{}, true},
		{"other", errors.New("engine: replay diverged"), false},
		{"nil", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, IsInput(c.err))
		})
	}
}
