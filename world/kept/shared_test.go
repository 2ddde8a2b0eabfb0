package kept

import (
	"reflect"
	"testing"

	"github.com/migsim/migsim/guest/net"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSharedLookups: the shared types found by reflection are the ones
// their comments name (a renamed field elsewhere fails here, not only as
// the panic at initialisation), and a lookup that finds no field says
// which type lacks which field.
func TestSharedLookups(t *testing.T) {
	for _, tc := range []struct {
		name      string
		typ       reflect.Type
		pkg, elem string
	}{
		{"net buffer chain", netBufType, "github.com/migsim/migsim/guest/net", "buf"},
		{"configuration-space layout", layoutType, "github.com/migsim/migsim/pcie", "layout"},
	} {
		require.NotNil(t, tc.typ, tc.name)
		require.Equal(t, reflect.Pointer, tc.typ.Kind(), tc.name)
		assert.Equal(t, tc.pkg, tc.typ.Elem().PkgPath(), tc.name)
		assert.Equal(t, tc.elem, tc.typ.Elem().Name(), tc.name)
		assert.True(t, Shared(tc.typ), tc.name)
	}
	got, err := netBufLookup()
	require.NoError(t, err)
	assert.Equal(t, netBufType, got)

	type noQueues struct{ other int }
	for _, tc := range []struct {
		typ  reflect.Type
		name string
		want string
	}{
		{reflect.TypeFor[noQueues](), "queues", "kept.noQueues has no field queues"},
		{reflect.TypeFor[*noQueues](), "queues", "kept.noQueues has no field queues"},
		{reflect.TypeFor[map[int]int](), "queues", "map[int]int is not a struct, so it has no field queues"},
		{reflect.TypeFor[net.Driver](), "queues", ""},
	} {
		_, err := fieldOf(tc.typ, tc.name)
		if tc.want == "" {
			assert.NoError(t, err, tc.typ)
			continue
		}
		assert.EqualError(t, err, tc.want)
	}
	assert.PanicsWithValue(t, "kept: a type the world's copies share is not found (update world/kept/shared.go): kept.noQueues has no field queues",
		func() { mustType(fieldOf(reflect.TypeFor[noQueues](), "queues")) })
}
