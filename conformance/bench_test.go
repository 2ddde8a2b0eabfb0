package conformance_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member/blk"
)

// BenchmarkThroughput measures executed runs per second of the bench row
// (conformance.BenchScenario) with the reference device in-process, served
// in-process through the device protocol (ServedDevice: the protocol's
// cost without the processes) and as an external process
// (examples/extblk) through the device protocol:
//
//	go test ./conformance -run '^$' -bench Throughput -benchtime 200x
func BenchmarkThroughput(b *testing.B) {
	for _, tc := range []struct {
		name string
		dev  func() conformance.Device
	}{
		{"in-process", func() conformance.Device { return conformance.FactoryDevice("builtin:blk", blk.New) }},
		{"served", func() conformance.Device { return conformance.ServedDevice("extblk", serveBlk, extdevice.Options{}) }},
		{"external", func() conformance.Device { return conformance.ExecDevice([]string{extblk(b)}, extdevice.Options{}) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d := tc.dev()
			b.ResetTimer()
			tp, err := conformance.MeasureThroughput(context.Background(), d, b.N, 0)
			require.NoError(b, err)
			b.ReportMetric(tp.PerSecond(), "runs/s")
		})
	}
}
