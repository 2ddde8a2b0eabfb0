package benchfig

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
)

// Targets of `migsim bench vfs` for 65,535 touched VFs (docs/owner.md,
// "Many VFs"): under VFsTargetBytes in all, VFsGoalPerVF bytes per VF the
// goal; the peak heap is sampled every VFsSampleEvery VFs.
const (
	VFsTargetBytes = 256 << 20
	VFsGoalPerVF   = 1024
	VFsSampleEvery = 4096
)

// VFs is what touching every VF of a PF held: the heap in use after a
// collection before and after, the peak heap sampled while touching, the
// process's resident set (VmRSS, VmHWM; RSSKnown false where
// /proc/self/status is missing) and the members the touches built.
type VFs struct {
	Edition        spec.Edition
	Count, Members int
	Before, After  uint64
	Peak           uint64
	RSS, HWM       uint64
	RSSKnown       bool
	Elapsed        time.Duration
}

// MeasureVFs builds a PF with count VFs enabled (owner driver probe and
// admin initialisation included) and touches every VF as a guest first
// reaches it, through the reference virtio-blk member (owner.ScaleRig),
// and measures what they hold.
func MeasureVFs(ed spec.Edition, count int) (VFs, error) {
	m := VFs{Edition: ed, Count: count}
	start := time.Now()
	m.Before = heapAfterGC()
	r, err := owner.NewScaleRig(owner.ScaleConfig{Edition: ed, VFs: count, Factory: blk.New, Backing: blk.NewDisk(2048, "bench")})
	if err != nil {
		return m, fmt.Errorf("bench vfs: %w", err)
	}
	var ms runtime.MemStats
	err = r.TouchAll(func(vf int) {
		if vf%VFsSampleEvery == 0 || vf == count {
			runtime.ReadMemStats(&ms)
			m.Peak = max(m.Peak, ms.HeapInuse)
		}
	})
	if err != nil {
		return m, fmt.Errorf("bench vfs: %w", err)
	}
	m.After = heapAfterGC()
	m.Elapsed = time.Since(start)
	m.Members = r.Members()
	runtime.KeepAlive(r)
	m.RSS, m.HWM, m.RSSKnown = procRSS()
	return m, nil
}

// Write prints the figures and how they stand to the targets
// (extrapolated to 65,535 VFs from what the peak adds to the heap before).
func (m VFs) Write(w io.Writer) {
	held := int64(m.After) - int64(m.Before)
	perVF := float64(held) / float64(m.Count)
	fmt.Fprintf(w, "bench vfs: %d VFs (virtio-blk, %s), each touched: config read of Vendor/Device ID, common-config read of num_queues\n", m.Count, m.Edition)
	fmt.Fprintf(w, "members built: %d, elapsed %s\n", m.Members, m.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "heap in use after GC: %s before, %s after: %s for the VFs, %.0f bytes per touched VF\n",
		mib(m.Before), mib(m.After), mib(uint64(max(held, 0))), perVF)
	fmt.Fprintf(w, "peak heap in use (sampled every %d VFs): %s\n", VFsSampleEvery, mib(m.Peak))
	if m.RSSKnown {
		fmt.Fprintf(w, "RSS: %s (VmRSS), peak %s (VmHWM)\n", mib(m.RSS), mib(m.HWM))
	} else {
		fmt.Fprintln(w, "RSS: unavailable (no /proc/self/status)")
	}
	// The heap the process held before the first VF is there once,
	// whatever the count: only what the VFs added scales to 65,535
	// (--count 100 would otherwise count the baseline 655 times).
	total := float64(m.Before) + float64(max(int64(m.Peak)-int64(m.Before), 0))*65535/float64(m.Count)
	switch {
	case perVF <= VFsGoalPerVF:
		fmt.Fprintf(w, "target: <= %d bytes per touched VF (goal) met\n", VFsGoalPerVF)
	case total < VFsTargetBytes:
		fmt.Fprintf(w, "target: under %s for 65,535 VFs met; goal of %d bytes per VF missed\n", mib(VFsTargetBytes), VFsGoalPerVF)
	default:
		fmt.Fprintf(w, "target: under %s for 65,535 VFs missed (%s extrapolated): a defect to report\n", mib(VFsTargetBytes), mib(uint64(total)))
	}
}

// heapAfterGC returns the heap in use after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// mib renders a byte count in MiB.
func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// procRSS reads VmRSS and VmHWM (kB) from /proc/self/status; ok is false
// where there is no such file (not Linux).
func procRSS() (rss, hwm uint64, ok bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, found := strings.Cut(sc.Text(), ":")
		if !found || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			continue
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	return rss, hwm, rss > 0
}
