// Package questionsdoc renders docs/questions.md, the page of the seed
// questions, from the catalog's scenarios: every scenario that answers a
// seed question grouped by question, then the other scenarios that
// explain themselves, each with its expected verdicts, oracles,
// requirements, explorations and the replay command of every
// counterexample (the regression schedules of package catalog).
package questionsdoc
