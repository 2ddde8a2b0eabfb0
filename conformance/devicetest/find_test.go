package devicetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// testNamed returns the device test with requirement id and name (any
// name when name is empty; the last such test of All), failing t when
// there is none.
func testNamed(t *testing.T, id, name string) Test {
	t.Helper()
	var dt Test
	for _, x := range All() {
		if x.id == id && (name == "" || x.name == name) {
			dt = x
		}
	}
	require.NotNil(t, dt.run, "device test %s/%s", id, name)
	return dt
}

// unitsByEdition returns the device test named name by the editions it
// applies to, which must be n.
func unitsByEdition(t *testing.T, name string, n int) map[spec.Edition]Test {
	t.Helper()
	units := map[spec.Edition]Test{}
	for _, dt := range All() {
		if dt.name != name {
			continue
		}
		for _, e := range spec.Editions {
			if dt.AppliesTo(e) {
				units[e] = dt
			}
		}
	}
	require.Len(t, units, n, "device test %s by edition", name)
	return units
}
