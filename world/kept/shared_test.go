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
	got, err := netBufLookup(reflect.TypeFor[net.Driver]())
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

// Driver-shaped types for TestNetBufLookup, each wrong in one way.
type (
	fakeBuf         struct{ n int }
	fakeQueue       struct{ inflight map[uint16]*fakeBuf }
	fakeDriver      struct{ queues map[int]*fakeQueue }
	queuesSlice     struct{ queues []*fakeQueue }
	queueBare       struct{ other int }
	noInflight      struct{ queues map[int]*queueBare }
	inflightSlice   struct{ inflight []*fakeBuf }
	inflightSliceQs struct{ queues map[int]inflightSlice }
	inflightValues  struct{ inflight map[uint16]fakeBuf }
	inflightValsQs  struct{ queues map[int]*inflightValues }
)

// TestNetBufLookup: the buffer chain's type is found through a driver's
// queues map and each queue's inflight map, and a driver whose fields no
// longer have that shape is an error that names the type and the field,
// never a type found in the wrong place or a panic.
func TestNetBufLookup(t *testing.T) {
	for _, tc := range []struct {
		name   string
		driver reflect.Type
		want   string // the error; "" when the lookup finds *fakeBuf
	}{
		{"the driver's shape", reflect.TypeFor[fakeDriver](), ""},
		{"a pointer to the driver", reflect.TypeFor[*fakeDriver](), ""},
		{"no queues", reflect.TypeFor[queueBare](), "kept.queueBare has no field queues"},
		{"queues not a map", reflect.TypeFor[queuesSlice](), "kept.queuesSlice.queues is a []*kept.fakeQueue, not a map of queues"},
		{"a queue without inflight", reflect.TypeFor[noInflight](), "kept.queueBare has no field inflight"},
		{"inflight not a map", reflect.TypeFor[inflightSliceQs](), "kept.inflightSlice.inflight is a []*kept.fakeBuf, not a map of pointers to buffer chains"},
		{"inflight holding values", reflect.TypeFor[inflightValsQs](), "*kept.inflightValues.inflight is a map[uint16]kept.fakeBuf, not a map of pointers to buffer chains"},
	} {
		got, err := netBufLookup(tc.driver)
		if tc.want == "" {
			require.NoError(t, err, tc.name)
			assert.Equal(t, reflect.TypeFor[*fakeBuf](), got, tc.name)
			continue
		}
		assert.EqualError(t, err, tc.want, tc.name)
		assert.Nil(t, got, tc.name)
	}
}
