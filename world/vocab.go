package world

import (
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
	return t.Bind(op, w.ed, w.bindCtx())
}
