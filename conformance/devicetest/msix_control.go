package devicetest

import "github.com/migsim/migsim/conformance/devicetest/msixunits"

// msixControlTests are the MSI-X Message Control tests of package
// msixunits, in this package's table.
func msixControlTests() []Test {
	var out []Test
	for _, u := range msixunits.Units() {
		out = append(out, Test{id: u.ID, also: u.Also, name: u.Name, knobs: u.Knobs, run: u.Run})
	}
	return out
}
