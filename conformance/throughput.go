package conformance

import (
	"context"

	"github.com/migsim/migsim/conformance/throughput"
)

// Throughput is how fast a device runs the simulator: executed runs of one
// catalog row per second of wall time (package throughput).
type Throughput = throughput.Result

// The row MeasureThroughput runs: the smoke migration of draft-2023.
const (
	BenchScenario = throughput.Scenario
	BenchEdition  = throughput.Edition
)

// MeasureThroughput explores the bench row with the device: schedules
// random schedules without the memo, jobs in parallel (zero: GOMAXPROCS),
// and reports the executed runs and the wall time, the device's start
// included (throughput.Measure).
func MeasureThroughput(ctx context.Context, d Device, schedules, jobs int) (Throughput, error) {
	return throughput.Measure(ctx, d, schedules, jobs)
}
