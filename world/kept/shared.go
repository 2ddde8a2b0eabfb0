package kept

import (
	"fmt"
	"reflect"

	"github.com/migsim/migsim/guest/net"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/observe"
)

// Shared reports the immutable types a copy of the world shares with the
// original (the world's copier's worldcopy.Config.Share): a kept copy and
// every copy made from it hold the original's values of these types.
func Shared(t reflect.Type) bool {
	_, ok := sharedTypes[t]
	return ok
}

var sharedTypes = map[reflect.Type]string{
	reflect.TypeFor[error]():               "an error value: immutable once made, and its identity is what errors.Is compares (sentinels such as pcie.ErrOutOfRange)",
	reflect.TypeFor[*scenario.Scenario]():  "the scenario: parsed once for every run of a target and only read",
	reflect.TypeFor[*scenario.Program]():   "an actor's program in the scenario: only read",
	reflect.TypeFor[[]scenario.Arg]():      "the settings of the run (WorldConfig.Settings): only read",
	layoutType:                             "a configuration-space layout (pcie.ConfigSpace): power-on values and write masks, built once per kind of function and never changed (pcie/configspace.go)",
	reflect.TypeFor[*observe.OracleInfo](): "what an oracle says of itself, read once when the set of oracles is built: nothing changes it while it is in use (observe.NewSet)",
	reflect.TypeFor[*deephash.Cache]():     "the compiled hashers of the devices' state hashes (package devhash): one per kind of world for the whole process, safe for concurrent use",
	reflect.TypeFor[member.DeviceType]():   "a member's device type (member.Core): a descriptor of the type (name, IDs, offered features, its backend's constructor) that no member changes",
	reflect.TypeFor[member.Factory]():      "the member factories (WorldConfig.Factory, NetFactory): functions the target gives every world of a run alike, which hold no state of a run",
	netBufType:                             "a net driver's posted buffer chain (guest/net, Driver.add): made when the driver posts it, only read afterwards, dropped from its queue's inflight map when the device uses it",
}

// netBufType is the type of a net driver's posted buffer chain, *buf
// (unexported in package guest/net), the values of a queue's inflight map.
var netBufType = mustType(netBufLookup(reflect.TypeFor[net.Driver]()))

// layoutType is the type of a configuration space's layout, *layout
// (unexported in package pcie).
var layoutType = mustType(fieldOf(reflect.TypeFor[pcie.ConfigSpace](), "lay"))

// netBufLookup finds netBufType through guest/net's Driver (driver): the
// values of its queues map, and the values of each queue's inflight map.
func netBufLookup(driver reflect.Type) (reflect.Type, error) {
	qs, err := fieldOf(driver, "queues")
	if err != nil {
		return nil, err
	}
	if qs.Kind() != reflect.Map {
		return nil, fmt.Errorf("%s.queues is a %s, not a map of queues", driver, qs)
	}
	inflight, err := fieldOf(qs.Elem(), "inflight")
	if err != nil {
		return nil, err
	}
	if inflight.Kind() != reflect.Map || inflight.Elem().Kind() != reflect.Pointer {
		return nil, fmt.Errorf("%s.inflight is a %s, not a map of pointers to buffer chains", qs.Elem(), inflight)
	}
	return inflight.Elem(), nil
}

// fieldOf returns the type of field name of struct type t, or of the
// struct t points to; an error naming both when there is none.
func fieldOf(t reflect.Type, name string) (reflect.Type, error) {
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s is not a struct, so it has no field %s", t, name)
	}
	f, ok := st.FieldByName(name)
	if !ok {
		return nil, fmt.Errorf("%s has no field %s", st, name)
	}
	return f.Type, nil
}

// mustType returns t, or panics with err when the lookup of a shared type
// failed: a field renamed in the package that holds the type. The panic
// is at package initialisation, as world/devhash's lookups of the fields
// it skips are: a copier that no longer shared the type would copy what
// must stay shared (or, for a nil type, share nothing of it) without a
// word, while this stops every binary and test that imports the world,
// naming the field; TestSharedLookups checks the lookups themselves.
func mustType(t reflect.Type, err error) reflect.Type {
	if err != nil {
		panic("kept: a type the world's copies share is not found (update world/kept/shared.go): " + err.Error())
	}
	return t
}
