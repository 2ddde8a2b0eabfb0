package conformance_test

import (
	"context"
	"fmt"
	"os"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// forgetsStoppedDoorbell is a device as a program outside migsim writes
// one, with only the exported API: the reference virtio-blk (blk.New; a
// device type of one's own is a member.DeviceType with its member.Backend,
// built by member.NewCore) wrapped with a planted bug. A doorbell rung
// while the member is stopped is dropped instead of latched, so the
// request it announced is not served at resume (DRAFT-STOP-03).
type forgetsStoppedDoorbell struct {
	member.Device
	bar0 uint64
}

// newForgetful is the member.Factory: the kit calls it for every member
// it builds, with the member's configuration.
func newForgetful(c member.Config) member.Device {
	return &forgetsStoppedDoorbell{Device: blk.New(c), bar0: c.BAR0}
}

func (d *forgetsStoppedDoorbell) Handle(ev member.Event) member.Effects {
	notify := d.bar0 + pcie.BAR0Notify
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && ev.TLP.Addr >= notify &&
		ev.TLP.Addr < notify+pcie.BAR0NotifyLen && d.Device.Status().Mode == spec.ModeStop {
		return member.Effects{} // the bug: a posted write, taken and forgotten
	}
	return d.Device.Handle(ev)
}

// ExampleFactoryDevice judges a device of one's own, written outside
// migsim, in a Go program: the device tests and one catalog row's draft-2023
// rows under the short budget. The report names the requirement the bug
// breaks; the row's counterexample, a schedule file under ReplayDir,
// replays in the same program with the device (Replay), and, leniently,
// with the device fixed (ReplayLenient), where the finding goes.
func ExampleFactoryDevice() {
	dir, err := os.MkdirTemp("", "conform")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	dev := conformance.FactoryDevice("mydevice.NewForgetful", newForgetful)
	rep, err := conformance.Check(dev, conformance.Short(), conformance.Editions(spec.Draft2023),
		conformance.Scenarios("kick-during-stop"), conformance.ReplayDir(dir))
	if err != nil {
		panic(err) // bad options, or a factory the kit refuses
	}
	fmt.Println("failed requirements:", rep.FailedRequirements())
	for _, u := range rep.Units {
		if u.Verdict != "fail" {
			continue
		}
		f := u.Failures[0]
		fmt.Printf("%s %s: %s %v\n", u.Kind, u.Name, f.Check, f.Requirements)
		if f.Schedule == "" {
			continue // a device test: its message says what the host saw
		}
		res, err := conformance.Replay(dev, f.Schedule, engine.RunConfig{})
		fmt.Println("  replayed:", res.Finding.Oracle, err)
		fixed := conformance.FactoryDevice("mydevice.New", blk.New)
		res, err = conformance.ReplayLenient(context.Background(), fixed, f.Schedule)
		fmt.Println("  with the fix:", res.Finding, err)
	}
	// Output:
	// failed requirements: [DRAFT-STOP-03 DRAFT-CTX-01]
	// device-test DRAFT-STOP-02/draft-2023/table-stop-doorbell: device test [DRAFT-STOP-03]
	// device-test DRAFT-STOP-03/draft-2023/doorbell-in-stop-served: device test [DRAFT-STOP-03]
	// row kick-during-stop/draft-2023: catalog row [DRAFT-STOP-03 DRAFT-CTX-01]
	//   replayed: transparent <nil>
	//   with the fix: <nil> <nil>
}
