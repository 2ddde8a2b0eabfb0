package spec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRulesDefaultsPerEdition(t *testing.T) {
	cases := []struct {
		e    Edition
		read ReadSemantics
		knob string
		// other are the knobs whose default is not their first value.
		other map[string]string
	}{
		{Draft2023, ReadIncrementalClear, "incremental-clear", nil},
		{Virtio14, ReadFull, "full", map[string]string{"resume-config-notify": "always", "resume-avail": "recheck"}},
	}
	for _, c := range cases {
		t.Run(c.e.String(), func(t *testing.T) {
			r := DefaultRules(c.e)
			assert.Equal(t, c.read, r.Read)
			assert.Equal(t, c.knob, r.Map()["read"])
			assert.Empty(t, r.Diff(c.e), "defaults differ from nothing")
			for _, k := range Knobs {
				assert.NotEmpty(t, k.Get(r), "knob %s has a default", k.Name)
				if v, ok := c.other[k.Name]; ok {
					assert.Equal(t, v, k.Get(r), "knob %s default", k.Name)
				} else if k.Name != "read" {
					assert.Equal(t, k.Values[0], k.Get(r), "knob %s defaults to its first value", k.Name)
				}
			}
		})
	}
}

func TestRulesParseGood(t *testing.T) {
	cases := []struct {
		name string
		e    Edition
		kvs  []string
		diff []string
	}{
		{"none", Draft2023, nil, nil},
		{"read full on draft", Draft2023, []string{"read=full"}, []string{"read=full"}},
		{"cap-group on 1.4", Virtio14, []string{"cap-group=sriov"}, []string{"cap-group=sriov"}},
		{"spaces trimmed", Draft2023, []string{" transitions = strict-chain "}, []string{"transitions=strict-chain"}},
		{"last wins", Draft2023, []string{"freeze-notify=latch", "freeze-notify=drop"}, nil},
		{"several sorted", Virtio14, []string{"mode-after-flr=keep", "flr-vs-mode=defer-flr"},
			[]string{"flr-vs-mode=defer-flr", "mode-after-flr=keep"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := ParseRules(c.e, c.kvs)
			require.NoError(t, err)
			assert.Equal(t, c.diff, r.Diff(c.e))
		})
	}
}

func TestRulesParseEveryKnobValue(t *testing.T) {
	for _, e := range Editions {
		for _, k := range KnobsFor(e) {
			for _, v := range k.Values {
				r, err := ParseRules(e, []string{k.Name + "=" + v})
				require.NoError(t, err, "%s %s=%s", e, k.Name, v)
				assert.Equal(t, v, k.Get(r), "%s %s=%s", e, k.Name, v)
			}
		}
	}
}

// TestRulesSetNearKnob: Set (which a device's hello knobs go through)
// names the knob an identifier-style name means, and nothing for a name
// that is no knob at all.
func TestRulesSetNearKnob(t *testing.T) {
	r := DefaultRules(Virtio14)
	err := r.Set("stop_config_write", "apply")
	require.Error(t, err)
	assert.True(t, strings.HasSuffix(err.Error(), "; did you mean stop-config-write?"), err.Error())
	err = r.Set("speed", "fast")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "did you mean")
}

func TestRulesParseBad(t *testing.T) {
	cases := []struct {
		name     string
		kv       string
		contains []string
	}{
		{"unknown knob", "speed=fast", []string{`"speed"`, "(knobs: read, stop-config-write", "resume-config-notify"}},
		{"a knob as an identifier", "flr_vs_mode=defer-flr", []string{`"flr_vs_mode"`, "; did you mean flr-vs-mode?"}},
		{"a knob in capitals", "Mode-After-FLR=keep", []string{`"Mode-After-FLR"`, "; did you mean mode-after-flr?"}},
		{"unknown value", "read=partial", []string{"read", `"partial"`, "incremental-clear", "full"}},
		{"bad transitions", "transitions=chain", []string{"transitions", "all", "strict-chain"}},
		{"no equals", "read", []string{`"read"`, "key=value"}},
		{"empty value", "flr-vs-mode=", []string{"flr-vs-mode", "hold-reply", "defer-flr", "complete-anyway"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRules(Draft2023, []string{"read=full", c.kv})
			require.Error(t, err)
			assert.Regexp(t, `^spec: `, err.Error())
			for _, s := range c.contains {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

// TestParseRules_UnknownKnobListsTheEditions: an unknown knob's error lists
// the knobs of the edition asked for, not another edition's.
func TestParseRules_UnknownKnobListsTheEditions(t *testing.T) {
	for _, e := range []Edition{Draft2023, Virtio14} {
		_, err := ParseRules(e, []string{"speed=fast"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `unknown knob "speed" (knobs: `+strings.Join(KnobNamesFor(e), ", ")+")")
		for _, k := range Knobs {
			if CheckKnobApplies(e, k.Name) != nil {
				assert.NotContains(t, err.Error(), " "+k.Name+",", "%s is not a knob of %s", k.Name, e)
				assert.NotContains(t, err.Error(), " "+k.Name+")", "%s is not a knob of %s", k.Name, e)
			}
		}
	}
}
