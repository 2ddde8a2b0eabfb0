package cmdconform

import (
	"fmt"

	"github.com/migsim/migsim/catalog"
)

// scenarioArg is one --scenario: the argument as given (a catalog name or
// a scenario file's path) and the name of the scenario it gives, which
// its rows' unit names start with.
type scenarioArg struct {
	arg, name string
}

// loadScenarios checks every --scenario before any work, as migsim run
// and explore check their scenarios: a catalog name the catalog lacks (with
// the nearest name) or a file that does not load (file:line:col, checked
// against the world's vocabulary) is an input error, and so are two
// arguments that give one scenario name but differ (a file that declares
// a catalog scenario's name, two files of one name): their rows would have
// the same unit names. The same scenario given twice is judged once.
func loadScenarios(args []string) ([]scenarioArg, error) {
	var out []scenarioArg
	hashes := map[string]string{} // scenario name -> its hash
	given := map[string]string{}  // scenario name -> the argument that gave it
	for _, a := range args {
		s, err := catalog.FindScenario(a)
		if err != nil {
			return nil, err
		}
		if h, ok := hashes[s.Name]; ok {
			if h != s.Hash {
				return nil, fmt.Errorf("%s and %s both give scenario %s, and differ: their rows would have the same names; rename one (its scenario line) or run them apart", given[s.Name], a, s.Name)
			}
			continue
		}
		hashes[s.Name], given[s.Name] = s.Hash, a
		out = append(out, scenarioArg{a, s.Name})
	}
	return out, nil
}
