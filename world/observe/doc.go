// Package observe is what the world's oracles see: the oracle and hook
// interfaces an oracle implements (Oracle, EventOracle, ReceivedOracle,
// LoadOracle, FlowOracle, FinishOracle), the world's observation points
// (Hook) and the pass each hook hands an oracle (EventPass, ReceivedPass,
// LoadPass, FlowPass, FinishPass): what a host observed there, a read-only
// view of the world and Report.
//
// The world judges nothing itself. It is given a list of oracles
// (world.WorldConfig.Oracles; package oracle holds the registry,
// docs/oracles.md describes each), sorts them by hook (NewSet) and calls
// them at its hooks through the Set: after every event delivered to a
// function, when the owner driver read a completion, at a rejected load,
// at the end of the hypervisor's migration flow and when the run ends.
// Report stamps a finding with the oracle's name and the requirement IDs
// of its info that apply to the world's edition.
//
// The passes read the world only through World, which the world
// implements; observe knows nothing else of it, so the world may import
// it.
package observe
