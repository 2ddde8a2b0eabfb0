package owner

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// heapInUse returns the heap in use after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// BenchmarkTouchVFs enables 65,535 VFs with the reference virtio-blk member
// and touches each one (a configuration read of Vendor/Device ID and a
// common-configuration read through the member), then reports the heap the
// touched VFs hold per VF and in all. Target: under 256 MiB for 65,535
// touched VFs, goal 1 KiB per VF.
func BenchmarkTouchVFs(b *testing.B) {
	const n = 65535
	for i := 0; i < b.N; i++ {
		before := heapInUse()
		r, err := NewScaleRig(ScaleConfig{Edition: spec.Virtio14, VFs: n, Factory: blk.New, Backing: blk.NewDisk(2048, "scale")})
		require.NoError(b, err)
		peak := uint64(0)
		for vf := 1; vf <= n; vf++ {
			_, _, err := r.Touch(vf)
			require.NoError(b, err)
			if vf%8192 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse-before)
			}
		}
		require.Equal(b, n, r.Members())
		held := heapInUse() - before
		runtime.KeepAlive(r)
		b.ReportMetric(float64(held)/n, "bytes/VF")
		b.ReportMetric(float64(max(peak, held))/(1<<20), "peak-MiB")
	}
}

// BenchmarkAdminAtScale measures one admin command each of LIST_QUERY,
// LIST_USE and DEV_MODE_SET (stop and resume of the last VF alternating),
// from the driver's submit to its harvest, with 1, 1,024 and 65,535 enabled
// and touched members. Their cost must not depend on the member count
// (flat within 2×).
func BenchmarkAdminAtScale(b *testing.B) {
	for _, n := range []int{1, 1024, 65535} {
		r, err := NewScaleRig(ScaleConfig{Edition: spec.Virtio14, VFs: n, Factory: blk.New, Backing: blk.NewDisk(2048, "scale")})
		require.NoError(b, err)
		for vf := 1; vf <= n; vf++ {
			_, _, err := r.Touch(vf)
			require.NoError(b, err)
		}
		cmds := []struct {
			name string
			run  func(i int) error
		}{
			{"list-query", func(int) error { return r.ListQuery() }},
			{"list-use", func(int) error { return r.ListUse() }},
			{"dev-mode-set", func(i int) error { return r.SetMode(n, i%2 == 0) }},
		}
		for _, c := range cmds {
			b.Run(fmt.Sprintf("members=%d/%s", n, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if err := c.run(i); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
