package engine

// Hooks for this directory's external tests (package engine_test), which
// may import packages that import engine (engine/merge).

// NoisyRaceFactory and LostUpdateFactory build the toy races of the
// shrink and scheduler tests.
var (
	NoisyRaceFactory  = noisyRace.factory
	LostUpdateFactory = lostUpdate.factory
)

// WithoutCost clears what an exploration's summary counts of its cost.
var WithoutCost = withoutCost

// PropSystem is one random toy system of the property tests.
type PropSystem struct {
	Factory Factory
	// Text lists its programs, for messages.
	Text string
}

// PropSystems returns the first n random toy systems of 3 actors of 4
// instructions over 3 variables, and the count the -engine.systems flag
// asks the property tests for.
func PropSystems(n int) []PropSystem { return PropSystemsShaped(n, 3, 4, 3, 0) }

// PropSystemsShaped returns the first n random toy systems of up to
// actors actors of up to instrs instructions over vars variables, at most
// total instructions in all (0: 8).
func PropSystemsShaped(n, actors, instrs, vars, total int) []PropSystem {
	gen := propGen{actors: actors, instrs: instrs, vars: vars, total: total}
	out := make([]PropSystem, n)
	for sys := range out {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		out[sys] = PropSystem{Factory: propFactory(progs, gen.vars), Text: propString(progs)}
	}
	return out
}

// PropSystemCount is the -engine.systems flag.
func PropSystemCount() int { return *propSystems }
