// Package throughput measures how fast a device under test runs the
// simulator: the executed runs per second of one catalog row explored with
// it (what migsim conform --bench prints and BenchmarkThroughput of
// package conformance reports).
package throughput

import (
	"context"
	"fmt"
	"time"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Result is how fast a device runs the simulator: executed runs of one
// catalog row per second of wall time.
type Result struct {
	Device  string
	Row     string
	Runs    int
	Elapsed time.Duration
}

// PerSecond is Runs per second of Elapsed.
func (t Result) PerSecond() float64 {
	if t.Elapsed <= 0 {
		return 0
	}
	return float64(t.Runs) / t.Elapsed.Seconds()
}

// The row Measure runs: the smoke migration of draft-2023 (every step of
// a migration, a guest doing I/O); for a virtio-net device, NetScenario
// of draft-2023 (a migration of a virtio-net VF whose guest set a MAC
// table before the stop, frames arriving).
const (
	Scenario    = "smoke-migrate"
	NetScenario = "net-mac-table-before-stop"
	Edition     = spec.Draft2023
)

// Device is the device measured: a conformance.Device (its Declares is not
// needed). A device with a DeviceType method returning "net" is virtio-net.
type Device interface {
	Name() string
	Open() (member.Factory, func() error, error)
}

// ScenarioOf is the row Measure runs for d: NetScenario for a virtio-net
// device, else Scenario.
func ScenarioOf(d Device) string {
	if t, ok := d.(interface{ DeviceType() string }); ok && t.DeviceType() == "net" {
		return NetScenario
	}
	return Scenario
}

// Measure explores the bench row with the device: schedules
// random schedules without the memo (every one executed), jobs in
// parallel (zero: GOMAXPROCS), and reports the executed runs and the wall
// time, the device's start included.
func Measure(ctx context.Context, d Device, schedules, jobs int) (Result, error) {
	name := ScenarioOf(d)
	s, err := catalog.CatalogScenario(name)
	if err != nil {
		return Result{}, err
	}
	tp := Result{Device: d.Name(), Row: name + "/" + Edition.String()}
	start := time.Now()
	f, done, err := d.Open()
	if err != nil {
		return tp, err
	}
	t, err := catalog.NewTarget(s, Edition, nil, nil)
	if err != nil {
		done()
		return tp, err
	}
	if name == NetScenario {
		t.NetMember = f
	} else {
		t.Member = f
	}
	fac, err := t.Factory(engine.ScheduleSeed(1, 0))
	if err != nil {
		done()
		return tp, err
	}
	sum, err := engine.Explore(ctx, engine.ExploreConfig{Factory: fac, Strategy: engine.StrategyRandom, Schedules: schedules,
		Seed: 1, Jobs: jobs, MaxSteps: catalog.DefaultJudgeMaxSteps})
	tp.Elapsed = time.Since(start)
	if derr := done(); err == nil && derr != nil {
		err = derr
	}
	if err != nil {
		return tp, fmt.Errorf("conformance: throughput of %s: %w", d.Name(), err)
	}
	if len(sum.Findings) > 0 {
		return tp, fmt.Errorf("conformance: throughput of %s: %s finds %s", d.Name(), tp.Row, sum.Findings[0].Finding.Oracle)
	}
	tp.Runs = sum.Executed
	if tp.Runs == 0 {
		tp.Runs = sum.Schedules
	}
	return tp, nil
}
