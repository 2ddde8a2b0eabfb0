package kept

import (
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
var netBufType = func() reflect.Type {
	q, _ := reflect.TypeFor[net.Driver]().FieldByName("queues")
	f, ok := q.Type.Elem().Elem().FieldByName("inflight")
	if !ok {
		panic("kept: guest/net's queue has no inflight field")
	}
	return f.Type.Elem()
}()

// layoutType is the type of a configuration space's layout (unexported
// in package pcie).
var layoutType = func() reflect.Type {
	f, _ := reflect.TypeFor[pcie.ConfigSpace]().FieldByName("lay")
	return f.Type
}()
