// Package worldcfg is what a simulated world is built from
// (world.WorldConfig): the scenario, the edition and its rules, the
// settings, the member factories, the oracles and what the world keeps
// for traces, notes, footprint checks and copies of itself.
package worldcfg

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// Config builds one world (world.WorldConfig): one run of one scenario
// under one edition and knob set.
type Config struct {
	Scenario *scenario.Scenario
	Edition  spec.Edition
	Rules    spec.Rules
	// Settings override the scenario's `set` lines (an expectation's set:).
	Settings []scenario.Arg
	// Factory builds member devices; nil means the reference virtio-blk
	// (blk.New). world never names the reference device otherwise.
	Factory member.Factory
	// NetFactory builds the members of a world of virtio-net VFs (`set
	// vf-device=net`); nil means the reference virtio-net (package world).
	NetFactory member.Factory
	// Reference runs the scenario without migration: the hypervisor skips
	// every operation that moves, stops or reads the device.
	Reference bool
	// ReferenceLog is the guest log of the reference run; when set, the
	// finish oracles compare the run's guest log with it.
	ReferenceLog []string
	// OwnerFault, when set, sees every event a host's PF handled and may
	// rewrite the effects the PF reports before the world observes and
	// routes them: a buggy owner planted from outside package owner.
	OwnerFault func(host string, ev owner.Event, fx *owner.Effects)
	// Oracles are the checks the world runs at its hooks, in this order
	// within a hook (package oracle: oracle.All()). None: the world judges
	// nothing, and a flow that stops with an error ends as `error:NAME`.
	Oracles []observe.Oracle
	// Record keeps a record.TraceEvent for everything that crosses the bus.
	Record bool
	// Notes keeps the world's and the functions' notes (world.World.Notes) in a
	// run that is not recorded. Without it or Record, the devices format
	// no notes (owner.Config.Quiet, member.Config.Quiet): no check reads
	// them.
	Notes bool
	// NoFootprintCheck turns off the footprint guard (package world/guard),
	// which checks every step's touches against its declared footprint.
	NoFootprintCheck bool
	// RecordActors keeps, for every actor, the record of what its code
	// received from the world (package actorlog): what a copy of the
	// world needs to rebuild the actor by running its code again.
	RecordActors bool
	// CheckReplays runs the event oracles and the footprint guard on every
	// step, also on those a dfs search replays after an earlier run judged
	// them (package world).
	CheckReplays bool
}
