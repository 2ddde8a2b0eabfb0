// Package oracle is the registry of migsim's oracles: the checks that judge
// a run from what a host could observe (bus traffic, the statuses of admin
// commands, the guest's own log, the state a context read returns).
//
// Each oracle is a value in its own file, modelled on
// golang.org/x/tools/go/analysis: a name, a one-line meaning, the
// requirement IDs it checks (spec.LookupRequirement), what a host observes
// for it, and its check at one or more of the world's hooks (observe.Oracle
// and the hook interfaces). All lists them in a stable order, Lookup finds
// one by name; drivers (the catalog's judge, the conformance kit, tests)
// take a list, and nothing is wired by hand. docs/oracles.md is generated
// from the registry (Doc), and findings, docs/questions.md and
// `migsim oracles` read names and meanings from it.
//
// The package does not own the observation points (package world decides
// where the hooks are and what their passes carry), nor the verdicts that
// are not oracles (Verdicts: flow errors, scenario errors, panics, the
// engine's deadlock and step bound).
package oracle
