package oracle

import (
	"slices"

	"github.com/migsim/migsim/world/observe"
)

// all is the registry, in the order the world runs the oracles of one hook:
// the order decides which finding is reported when two fire on the same
// step.
var all = []observe.Oracle{
	FrozenContext,
	NoDMAWhenStopped,
	NoNotifyWhenStopped,
	AdminStatus,
	Readback,
	SelfReport,
	NoRunBeforeResume,
	MSIXTarget,
	AtomicLoad,
	OneRunning,
	Live,
	Wire,
	Transparent,
	GaveUp,
}

// All returns every oracle, in the registry's order (a fresh slice).
func All() []observe.Oracle { return slices.Clone(all) }

// Lookup returns the oracle of that name.
func Lookup(name string) (observe.Oracle, bool) {
	for _, o := range all {
		if o.Info().Name == name {
			return o, true
		}
	}
	return nil, false
}

// Names returns the oracles' names in the registry's order.
func Names() []string {
	out := make([]string, len(all))
	for i, o := range all {
		out[i] = o.Info().Name
	}
	return out
}

// Without returns the registry minus the named oracles: a driver that
// wants to see what a run finds without them.
func Without(names ...string) []observe.Oracle {
	var out []observe.Oracle
	for _, o := range all {
		if !slices.Contains(names, o.Info().Name) {
			out = append(out, o)
		}
	}
	return out
}

// Meaning returns the one-line meaning of a verdict name: an oracle's, or
// one of the names that are not oracles (Verdicts).
func Meaning(name string) (string, bool) {
	if o, ok := Lookup(name); ok {
		return o.Info().Doc, true
	}
	for _, v := range verdicts {
		if v.Name == name {
			return v.Doc, true
		}
	}
	return "", false
}
