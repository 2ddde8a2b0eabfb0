package world

import (
	"fmt"
	"math"
	"strings"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/vocab"
)

// The scenario vocabulary (verb tables, settings, error names, guest
// drivers, limits) is package world/vocab; this file binds operations
// against it and keeps the names other packages use.

// bindCtx is what the world's operations are checked against.
func (w *World) bindCtx() scenario.Context {
	return scenario.Context{VFs: w.scen.VFs, Queues: w.scen.Queues, Hosts: vocab.Hosts}
}

// bind checks op against the verbs of table that exist under the world's
// edition and returns its arguments. The scenario was checked at load
// (scenario.Check), so an error here means it was not.
func (w *World) bind(t scenario.VerbTable, op scenario.Op) (scenario.Values, error) {
	if !t.Has(op.Verb, w.ed) {
		if t.Has(op.Verb, 0) {
			return scenario.Values{}, fmt.Errorf("%s: not a %s operation", op.Verb, w.ed)
		}
		return scenario.Values{}, fmt.Errorf("unknown operation %q (want %s)", op.Verb, strings.Join(t.Names(w.ed), ", "))
	}
	var first error
	for i := range t {
		v := &t[i]
		if v.Name != op.Verb || !v.In(w.ed) {
			continue
		}
		vals, err := scenario.Bind(v, op, w.bindCtx())
		if err == nil {
			return vals, nil
		}
		if first == nil {
			first = err
		}
	}
	return scenario.Values{}, first
}

// argInt reads an integer argument of op, def when it is absent. The
// operation was bound (bind) first, so the value is in range.
func argInt(op scenario.Op, key string, def int) (int, error) {
	v, ok := scenario.Lookup(op.Args, key)
	if !ok {
		return def, nil
	}
	n, err := scenario.ParseNumber(v, math.MinInt64, math.MaxInt64)
	if err != nil {
		return 0, fmt.Errorf("%s: %s=%q: %w", op.Verb, key, v, err)
	}
	return int(n), nil
}
