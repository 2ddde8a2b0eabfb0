package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// TestBindKept: a binding is kept for the process, and what is kept is
// never a different binding's: the same operation binds to the same
// values; an operation whose words were rewritten in place binds again;
// a failure is not kept; another context or edition is checked anew.
func TestBindKept(t *testing.T) {
	table := VerbTable{
		{Name: "move", Args: []ArgSpec{
			{Name: "HOST", Positional: true, Kind: ArgHost, Required: true},
			{Name: "n", Kind: ArgInt, Min: 0, Max: 9, Default: "1"},
		}},
		{Name: "late", Editions: []spec.Edition{spec.Virtio14}},
	}
	hosts := Context{Hosts: []string{"src", "dst"}}
	op := Op{Verb: "move", Args: []Arg{{Value: "src"}, {Key: "n", Value: "3"}}}
	cases := []struct {
		name    string
		edit    func()
		ed      spec.Edition
		ctx     Context
		wantErr string
		host    string
		n       int64
	}{
		{name: "first", ed: spec.Draft2023, ctx: hosts, host: "src", n: 3},
		{name: "again", ed: spec.Draft2023, ctx: hosts, host: "src", n: 3},
		{name: "rewritten in place", edit: func() { op.Args[1].Value = "7" }, ed: spec.Draft2023, ctx: hosts, host: "src", n: 7},
		{name: "out of range", edit: func() { op.Args[1].Value = "12" }, ed: spec.Draft2023, ctx: hosts, wantErr: "n=12"},
		{name: "out of range again", ed: spec.Draft2023, ctx: hosts, wantErr: "n=12"},
		{name: "back in range", edit: func() { op.Args[1].Value = "3" }, ed: spec.Draft2023, ctx: hosts, host: "src", n: 3},
		{name: "another context", ed: spec.Draft2023, ctx: Context{Hosts: []string{"dst"}}, wantErr: "unknown host"},
		{name: "no longer a host", edit: func() { op.Args[0].Value = "dst2" }, ed: spec.Draft2023, ctx: hosts, wantErr: "unknown host"},
	}
	for _, tc := range cases {
		if tc.edit != nil {
			tc.edit()
		}
		for _, bind := range []struct {
			how string
			f   func() (Values, error)
		}{
			{"table", func() (Values, error) { return table.Bind(op, tc.ed, tc.ctx) }},
			{"verb", func() (Values, error) { return Bind(&table[0], op, tc.ctx) }},
		} {
			v, err := bind.f()
			if tc.wantErr != "" {
				require.Error(t, err, "%s (%s)", tc.name, bind.how)
				assert.Contains(t, err.Error(), tc.wantErr, "%s (%s)", tc.name, bind.how)
				continue
			}
			require.NoError(t, err, "%s (%s)", tc.name, bind.how)
			assert.Equal(t, tc.host, v.Str("HOST"), "%s (%s)", tc.name, bind.how)
			assert.Equal(t, tc.n, v.Int("n"), "%s (%s)", tc.name, bind.how)
		}
	}
	late := Op{Verb: "late"}
	_, err := table.Bind(late, spec.Virtio14, hosts)
	require.NoError(t, err)
	_, err = table.Bind(late, spec.Draft2023, hosts)
	assert.ErrorContains(t, err, "not a draft-2023 operation", "a binding under one edition is not another's")
}

// TestBindKeptAllocates: a kept binding allocates nothing.
func TestBindKeptAllocates(t *testing.T) {
	table := VerbTable{{Name: "wait", Args: []ArgSpec{{Name: "ms", Kind: ArgInt, Min: 0, Max: 100, Default: "5"}}}}
	op := Op{Verb: "wait", Args: []Arg{{Key: "ms", Value: "7"}}}
	_, err := table.Bind(op, spec.Draft2023, Context{})
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = table.Bind(op, spec.Draft2023, Context{}) }))
}
