package spec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTransitionsTable(t *testing.T) {
	cases := []struct {
		name    string
		e       Edition
		knobs   []string
		allowed map[[2]Mode]bool // every pair of the edition's modes
	}{
		{"draft all", Draft2023, nil, map[[2]Mode]bool{
			{ModeActive, ModeActive}: true, {ModeActive, ModeStop}: true, {ModeActive, ModeFreeze}: true,
			{ModeStop, ModeActive}: true, {ModeStop, ModeStop}: true, {ModeStop, ModeFreeze}: true,
			{ModeFreeze, ModeActive}: true, {ModeFreeze, ModeStop}: true, {ModeFreeze, ModeFreeze}: true,
		}},
		{"draft strict-chain", Draft2023, []string{"transitions=strict-chain"}, map[[2]Mode]bool{
			{ModeActive, ModeActive}: true, {ModeActive, ModeStop}: true, {ModeActive, ModeFreeze}: false,
			{ModeStop, ModeActive}: true, {ModeStop, ModeStop}: true, {ModeStop, ModeFreeze}: true,
			{ModeFreeze, ModeActive}: false, {ModeFreeze, ModeStop}: true, {ModeFreeze, ModeFreeze}: true,
		}},
		{"virtio-1.4", Virtio14, nil, map[[2]Mode]bool{
			{ModeActive, ModeActive}: true, {ModeActive, ModeStop}: true,
			{ModeStop, ModeActive}: true, {ModeStop, ModeStop}: true,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := ParseRules(c.e, c.knobs)
			require.NoError(t, err)
			tt := c.e.TransitionTable(r)
			arcs := tt.Transitions()
			require.Len(t, arcs, len(c.allowed))
			for _, a := range arcs {
				want, ok := c.allowed[[2]Mode{a.From, a.To}]
				require.True(t, ok, "unexpected arc %s->%s", a.From, a.To)
				assert.Equal(t, want, a.Allowed, "%s -> %s", a.From, a.To)
			}
		})
	}
}

func TestTransitionsStrictChainForbidsActiveToFreeze(t *testing.T) {
	r, err := ParseRules(Draft2023, []string{"transitions=strict-chain"})
	require.NoError(t, err)
	assert.False(t, Draft2023.TransitionAllowed(r, ModeActive, ModeFreeze))
	assert.False(t, Draft2023.TransitionAllowed(r, ModeFreeze, ModeActive))
	assert.True(t, Draft2023.TransitionAllowed(DefaultRules(Draft2023), ModeActive, ModeFreeze))
}

func TestTransitionsVirtio14HasNoFreeze(t *testing.T) {
	r := DefaultRules(Virtio14)
	assert.False(t, Virtio14.HasMode(ModeFreeze))
	assert.NotContains(t, Virtio14.Modes(), ModeFreeze)
	for _, m := range []Mode{ModeActive, ModeStop, ModeFreeze} {
		assert.False(t, Virtio14.TransitionAllowed(r, m, ModeFreeze), "%s -> Freeze", m)
		assert.False(t, Virtio14.TransitionAllowed(r, ModeFreeze, m), "Freeze -> %s", m)
	}
	assert.NotContains(t, r.String(), "Freeze")
	assert.NotContains(t, Virtio14.TransitionTable(r).Text(), "Freeze")
}

func TestDP_DEV_13_RepeatingAModeIsAllowed(t *testing.T) {
	for _, e := range Editions {
		for _, kvs := range [][]string{nil, {"transitions=strict-chain"}} {
			r := rulesSet(t, e, kvs)
			for _, m := range e.Modes() {
				assert.True(t, e.TransitionAllowed(r, m, m), "%s %v: %s -> %s", e, kvs, m, m)
			}
		}
	}
}

func TestTransitionsUnknownModeIsNeverAllowed(t *testing.T) {
	for _, e := range Editions {
		r := DefaultRules(e)
		assert.False(t, e.TransitionAllowed(r, ModeActive, Mode(3)), "%s", e)
		assert.False(t, e.TransitionAllowed(r, Mode(255), ModeActive), "%s", e)
	}
}

func TestTransitionsText(t *testing.T) {
	r, err := ParseRules(Draft2023, []string{"transitions=strict-chain"})
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(Draft2023.TransitionTable(r).Text(), "\n"), "\n")
	require.Len(t, lines, 4, "header and one row per mode")
	assert.Equal(t, []string{"from", "\\", "to", "Active", "Stop", "Freeze"}, strings.Fields(lines[0]))
	assert.Equal(t, []string{"Active", "yes", "yes", "-"}, strings.Fields(lines[1]))
	assert.Equal(t, []string{"Stop", "yes", "yes", "yes"}, strings.Fields(lines[2]))
	assert.Equal(t, []string{"Freeze", "-", "yes", "yes"}, strings.Fields(lines[3]))
	for _, l := range lines {
		assert.Equal(t, strings.TrimRight(l, " "), l, "no trailing blanks")
	}
}

func TestTransitionsDOTEdgesMatchTable(t *testing.T) {
	for _, e := range Editions {
		for _, kvs := range [][]string{nil, {"transitions=strict-chain"}} {
			r := rulesSet(t, e, kvs)
			tt := e.TransitionTable(r)
			dot := tt.DOT()
			require.True(t, strings.HasPrefix(dot, `digraph "`+e.String()+`" {`), dot)
			for _, a := range tt.Transitions() {
				edge := `"` + e.ModeName(a.From) + `" -> "` + e.ModeName(a.To) + `"`
				assert.Equal(t, a.Allowed, strings.Contains(dot, edge), "%s %v: %s", e, kvs, edge)
			}
			assert.Equal(t, e == Draft2023, strings.Contains(dot, "simulator-assigned"), "%s", e)
		}
	}
}

func TestTransitionsDOTStyled(t *testing.T) {
	tt := Draft2023.TransitionTable(DefaultRules(Draft2023))
	assert.Equal(t, tt.DOT(), tt.DOTStyled(nil))
	dot := tt.DOTStyled([]ArcStyle{
		{From: ModeActive, To: ModeStop, Attrs: `color="red", label="taken"`},
		{From: ModeFreeze, To: ModeFreeze, Attrs: `color="red", label="taken"`},
	})
	assert.Contains(t, dot, `"Active" -> "Stop" [color="red", label="taken"];`)
	assert.Contains(t, dot, `"Freeze" -> "Freeze" [style=dashed, color="red", label="taken"];`)
	assert.Contains(t, dot, `"Stop" -> "Active";`)
	// An arc the table forbids is drawn only when styled.
	strict, err := ParseRules(Draft2023, []string{"transitions=strict-chain"})
	require.NoError(t, err)
	st := Draft2023.TransitionTable(strict)
	assert.NotContains(t, st.DOT(), `"Active" -> "Freeze"`)
	assert.Contains(t, st.DOTStyled([]ArcStyle{{From: ModeActive, To: ModeFreeze, Attrs: `style=dotted`}}),
		`"Active" -> "Freeze" [style=dotted];`)
}

// rulesSet is e's defaults with kvs set through Rules.Set, which does not
// ask whether a knob applies to e (ParseRules refuses transitions for
// virtio-1.4): the transition table must hold under any rules.
func rulesSet(t *testing.T, e Edition, kvs []string) Rules {
	t.Helper()
	r := DefaultRules(e)
	for _, kv := range kvs {
		require.NoError(t, r.Parse(kv))
	}
	return r
}
