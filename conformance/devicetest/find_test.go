package devicetest

import (
	"testing"

	"github.com/stretchr/testify/require"
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
