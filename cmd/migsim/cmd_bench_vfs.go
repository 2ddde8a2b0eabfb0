package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
)

const benchVFsUsage = `usage: migsim bench vfs [--count N] [--spec EDITION]

Builds a PF with N VFs enabled (owner driver probe and admin initialisation
included) and touches every VF as a guest first reaches it: a configuration
read of Vendor ID and Device ID and a read of num_queues from the virtio
common configuration, through the reference virtio-blk member, which is built
by that first touch. Prints the heap the VFs hold (heap in use after a
garbage collection, before and after), bytes per touched VF, the peak heap
sampled while touching, and the process's resident set size (VmRSS and VmHWM
of /proc/self/status). Target: under 256 MiB for 65,535 touched VFs; goal
1 KiB per VF. Nothing asserts them.

flags:
`

// Targets of `migsim bench vfs` for 65,535 touched VFs.
const (
	benchVFsTargetBytes = 256 << 20
	benchVFsGoalPerVF   = 1024
	benchVFsSampleEvery = 4096
)

// runBenchVFs implements `migsim bench vfs`.
func runBenchVFs(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("bench vfs", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	count := fs.Int("count", 65535, "number of VFs to enable and touch, 1..65535")
	edition := fs.String("spec", spec.Virtio14.String(), "edition: draft-2023 or virtio-1.4")
	fs.Usage = func() {
		fmt.Fprint(stdout, benchVFsUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageError(stderr, "bench vfs", "%v", cliflag.Error(err))
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "bench vfs", "unexpected arguments %q", fs.Args())
	}
	if *count < 1 || *count > 0xffff {
		return usageError(stderr, "bench vfs", "--count %d: want 1..65535", *count)
	}
	ed, err := spec.ParseEdition(*edition)
	if err != nil {
		return usageError(stderr, "bench vfs", "--spec: %v", err)
	}
	start := time.Now()
	before := heapAfterGC()
	r, err := owner.NewScaleRig(owner.ScaleConfig{Edition: ed, VFs: *count, Factory: blk.New, Backing: blk.NewDisk(2048, "bench")})
	if err != nil {
		fmt.Fprintf(stderr, "migsim bench vfs: %v\n", err)
		return exitFinding
	}
	var peak uint64
	var ms runtime.MemStats
	err = r.TouchAll(func(vf int) {
		if vf%benchVFsSampleEvery == 0 || vf == *count {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	})
	if err != nil {
		fmt.Fprintf(stderr, "migsim bench vfs: %v\n", err)
		return exitFinding
	}
	after := heapAfterGC()
	elapsed := time.Since(start)
	members := r.Members()
	runtime.KeepAlive(r)
	held := int64(after) - int64(before)
	perVF := float64(held) / float64(*count)
	fmt.Fprintf(stdout, "bench vfs: %d VFs (virtio-blk, %s), each touched: config read of Vendor/Device ID, common-config read of num_queues\n", *count, ed)
	fmt.Fprintf(stdout, "members built: %d, elapsed %s\n", members, elapsed.Round(time.Millisecond))
	fmt.Fprintf(stdout, "heap in use after GC: %s before, %s after: %s for the VFs, %.0f bytes per touched VF\n",
		mib(before), mib(after), mib(uint64(max(held, 0))), perVF)
	fmt.Fprintf(stdout, "peak heap in use (sampled every %d VFs): %s\n", benchVFsSampleEvery, mib(peak))
	if rss, hwm, ok := procRSS(); ok {
		fmt.Fprintf(stdout, "RSS: %s (VmRSS), peak %s (VmHWM)\n", mib(rss), mib(hwm))
	} else {
		fmt.Fprintln(stdout, "RSS: unavailable (no /proc/self/status)")
	}
	total := float64(peak) * 65535 / float64(*count)
	switch {
	case perVF <= benchVFsGoalPerVF:
		fmt.Fprintf(stdout, "target: <= %d bytes per touched VF (goal) met\n", benchVFsGoalPerVF)
	case total < benchVFsTargetBytes:
		fmt.Fprintf(stdout, "target: under %s for 65,535 VFs met; goal of %d bytes per VF missed\n", mib(benchVFsTargetBytes), benchVFsGoalPerVF)
	default:
		fmt.Fprintf(stdout, "target: under %s for 65,535 VFs missed (%s extrapolated): a defect to report\n", mib(benchVFsTargetBytes), mib(uint64(total)))
	}
	return exitOK
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
