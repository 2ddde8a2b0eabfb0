package owner

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// BenchmarkEnableVFs builds a PF with TotalVFs 65535, writes NumVFs 65535
// and sets VF Enable, and reports the bytes allocated per run (target:
// under 256 MiB; members are created only when addressed).
func BenchmarkEnableVFs(b *testing.B) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	start := ms.TotalAlloc
	for i := 0; i < b.N; i++ {
		w := newWorld(b, spec.Virtio14, func(_ *Config, po *pcie.PFOptions) { po.TotalVFs = 65535 })
		require.NoError(b, w.drv.Probe())
		require.NoError(b, w.drv.EnableVFs(65535))
		if w.pf.NumVFs() != 65535 {
			b.Fatalf("NumVFs %d, want 65535", w.pf.NumVFs())
		}
	}
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.TotalAlloc-start)/float64(b.N), "bytes/run")
}

// BenchmarkAdminDevModeSetOwner measures DEV_MODE_SET through the admin
// queue: the driver builds the chain and kicks, the PF pops, validates,
// forwards to the member and publishes, the driver harvests.
func BenchmarkAdminDevModeSetOwner(b *testing.B) {
	w := probed(b, spec.Virtio14, 4)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := w.drv.SetMode(1+i%4, i%2 == 0); err != nil {
			b.Fatal(err)
		}
	}
}
