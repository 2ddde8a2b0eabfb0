// Package scenario owns the scenario language: the line-oriented text
// format of a scenario file (the world it declares, its actors' programs,
// the verdicts it expects per edition and knob set, and the exploration
// budget that proves them), its parser with file:line errors, and its
// lossless printer. docs/scenarios.md describes the format.
//
// scenario does not run anything: the world interprets the programs and
// the catalog judges the expectations.
package scenario
