package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// TestExpectationFor: the expect line judging a run is the one of its
// edition whose knobs give the same rules (a default spelled out or not)
// and whose settings are the same, in any order; none otherwise.
func TestExpectationFor(t *testing.T) {
	src := "scenario x\nguest g\n  probe\n" +
		"expect draft-2023 pass\n" +
		"expect draft-2023 transitions=strict-chain error EINVAL/INVALID_FIELD\n" +
		"expect draft-2023 set:posted-writes=in-flight-unordered set:dst-caps=net violation transparent\n" +
		"expect virtio-1.4 n/a freeze\n"
	s, err := ParseScenario("x.scn", []byte(src))
	require.NoError(t, err)
	rules := func(ed spec.Edition, knobs ...string) spec.Rules {
		r, err := spec.ParseRules(ed, knobs)
		require.NoError(t, err)
		return r
	}
	cases := []struct {
		name     string
		ed       spec.Edition
		rules    spec.Rules
		settings []string
		line     int // 0: none
	}{
		{"defaults", spec.Draft2023, rules(spec.Draft2023), nil, 4},
		{"a default spelled out", spec.Draft2023, rules(spec.Draft2023, "transitions=all", "flr-vs-mode=hold-reply"), nil, 4},
		{"a knob", spec.Draft2023, rules(spec.Draft2023, "transitions=strict-chain"), nil, 5},
		{"settings in another order", spec.Draft2023, rules(spec.Draft2023), []string{"dst-caps=net", "posted-writes=in-flight-unordered"}, 6},
		{"one setting of two", spec.Draft2023, rules(spec.Draft2023), []string{"dst-caps=net"}, 0},
		{"the other edition", spec.Virtio14, rules(spec.Virtio14), nil, 7},
		{"knobs no line names", spec.Draft2023, rules(spec.Draft2023, "flr-vs-mode=defer-flr"), nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := s.ExpectationFor(c.ed, c.rules, c.settings)
			if c.line == 0 {
				assert.Nil(t, e)
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, c.line, e.Line)
		})
	}
	var none *Scenario
	assert.Nil(t, none.ExpectationFor(spec.Draft2023, rules(spec.Draft2023), nil), "no scenario, no line")
}

// TestExpectationFor_OwnSettings: a setting that restates the scenario's
// own `set` value (the same text, or the same number written another way)
// changes nothing, so it names the row without it, on the command line
// (--set) and on an expect line (set:) alike; another value names its own
// row.
func TestExpectationFor_OwnSettings(t *testing.T) {
	src := "scenario x\nset posted-writes=in-flight-unordered capacity=4096\nguest g\n  probe\n" +
		"expect virtio-1.4 pass\n" +
		"expect virtio-1.4 set:capacity=8 set:posted-writes=in-flight-unordered violation transparent\n"
	s, err := ParseScenario("x.scn", []byte(src))
	require.NoError(t, err)
	r := spec.DefaultRules(spec.Virtio14)
	cases := []struct {
		name     string
		settings []string
		line     int // 0: none
	}{
		{"none", nil, 5},
		{"the scenario's own value", []string{"posted-writes=in-flight-unordered"}, 5},
		{"the scenario's own number in hex", []string{"capacity=0x1000"}, 5},
		{"another value", []string{"capacity=8"}, 6},
		{"another value and the own one", []string{"posted-writes=in-flight-unordered", "capacity=8"}, 6},
		{"another value no line names", []string{"posted-writes=immediate"}, 0},
		{"a key the scenario does not set", []string{"obj-limit=4"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := s.ExpectationFor(spec.Virtio14, r, c.settings)
			if c.line == 0 {
				assert.Nil(t, e)
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, c.line, e.Line)
		})
	}
}
