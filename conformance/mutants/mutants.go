package mutants

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Mutant is one device bug.
type Mutant struct {
	// Name names it ("acks-stop-keeps-pipeline").
	Name string
	// Doc says in one line what the device does wrong.
	Doc string
	// Editions are the editions the bug exists in (a draft context field
	// has no virtio-1.4 counterpart, and so on).
	Editions []spec.Edition
	// Wrap builds the buggy device around d, a device of configuration c.
	// A mutant sets exactly one of Wrap and Build.
	Wrap func(c member.Config, d member.Device) member.Device
	// Build, when set instead of Wrap, builds the buggy device from the
	// factory of the device it wraps: a bug in the device's own DMA path
	// needs the memory port that device is built with.
	Build func(c member.Config, inner member.Factory) member.Device
	// Device is the device type the bug belongs to: DeviceAny (any
	// member) or DeviceNet (a virtio-net member, caught in a world of net
	// VFs). The kit (migsim conform --device builtin:mutant/NAME, and
	// conformance.BuiltinDevice) runs a DeviceNet mutant around the
	// reference net, judged with the catalog's net rows, and a DeviceAny
	// mutant around the reference blk only, so it skips the net rows; only
	// this package's own tests also wrap the net VFs of a net row with a
	// DeviceAny mutant (Factory(membernet.New)).
	Device string
}

// Device types of mutants.
const (
	DeviceAny = ""
	DeviceNet = "net"
)

// Factory returns a factory of buggy devices around inner's. It panics,
// naming the mutant, when m sets both Wrap and Build or neither: a
// library entry that is not a mutant.
func (m Mutant) Factory(inner member.Factory) member.Factory {
	if (m.Wrap == nil) == (m.Build == nil) {
		panic(fmt.Sprintf("mutants: mutant %q must set exactly one of Wrap and Build", m.Name))
	}
	if m.Build != nil {
		return func(c member.Config) member.Device { return m.Build(c, inner) }
	}
	return func(c member.Config) member.Device { return m.Wrap(c, inner(c)) }
}

// Applies reports whether the bug exists in edition ed.
func (m Mutant) Applies(ed spec.Edition) bool { return slices.Contains(m.Editions, ed) }

var (
	bothEditions = []spec.Edition{spec.Draft2023, spec.Virtio14}
	draftOnly    = []spec.Edition{spec.Draft2023}
	v14Only      = []spec.Edition{spec.Virtio14}
)

// all is the library, in a stable order: quiescing, the admin commands,
// saving state, restoring it, the device's account of itself, then
// devices that fail the guest in every run.
var all = []Mutant{
	acksStopKeepsPipeline,
	prefetchWhenStopped,
	irqOnKickWhenStopped,
	configIRQNotHeld,
	dropsConfigIRQHeldInStop,
	dropsPendingDoorbellAtStop,
	resumeWithoutAvailPoll,
	goesRunningAfterFLR,
	answersModeSetDuringFLR,
	keepsLatchedStateAcrossFLR,
	keepsLatchedStateAcrossReset,
	readsZeroBeforeResetDone,
	dropsWriteHeldByFLR,
	keepsMSIXTableAcrossFLR,
	sendsMaskedMSIX,
	ignoresMSIXEnable,
	ignoresMSIXFunctionMask,
	keepsMSIXControlAcrossFLR,
	writesBackAfterStopReply,
	rejectsModeButStops,
	acceptsCtxWriteWhileRunning,
	acceptsPartsSetWhileRunning,
	dropsEINVALQualifier,
	appliesConfigWriteInFreeze,
	modeGetLies,
	underReportsContextSize,
	partsOutOfOrder,
	appliesPartOfFailedSet,
	partsGetIgnoresResultCap,
	losesHeldConfigIRQ,
	losesLatchedDoorbell,
	acksStateWithoutApplying,
	rewindsLastAvailOnRestore,
	wrongUsedIdxOnRestore,
	msixVectorLostOnRestore,
	completesTwiceAfterResume,
	reportsActiveWhileStopped,
	digestUnstable,
	digestStale,
	dmaRxWhileStopped,
	forgetsMACTableOnRestore,
	restoresMaxPairs,
	renumbersNetFields,
	failsFlush,
	dropsInterrupts,
	naksMACTable,
	losesHalfWrittenQueueAddress,
	savesHalfWrittenAddressAsZero,
}

// All returns every mutant (a fresh slice).
func All() []Mutant { return slices.Clone(all) }

// Lookup returns the mutant of that name.
func Lookup(name string) (Mutant, bool) {
	for _, m := range all {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}
