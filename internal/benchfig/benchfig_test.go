package benchfig

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// The throughput line and its judgement: the canonical exploration's
// against the target and the defect line, any other measured only.
func TestWriteThroughput(t *testing.T) {
	// 1,000 schedules in the elapsed time give the rate.
	in := func(d time.Duration) engine.Summary {
		return engine.Summary{Schedules: 1000, Decisions: 20000, Elapsed: d}
	}
	for _, tc := range []struct {
		name      string
		total     engine.Summary
		canonical bool
		want      string
	}{
		{"met", in(10 * time.Millisecond), true, "target: >= 50000 schedules/s met\n"},
		{"missed", in(50 * time.Millisecond), true, "target: >= 50000 schedules/s missed (not below the defect line of 10000)\n"},
		{"a defect", in(200 * time.Millisecond), true, "target: below 10000 schedules/s: a defect to report (target 50000)\n"},
		{"not canonical", in(200 * time.Millisecond), false, "target: none for this exploration (the 50000 schedules/s target is the canonical one's: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			WriteThroughput(&b, "s draft-2023", engine.StrategyPCT, tc.total, tc.canonical)
			lines := strings.SplitAfter(b.String(), "\n")
			assert.Equal(t, "bench s draft-2023: pct, 1 job\n", lines[0])
			assert.Equal(t, "schedules: 1000, decisions: 20000 (20.0 per schedule), failing: 0, elapsed "+tc.total.Elapsed.String()+"\n", lines[1])
			assert.True(t, strings.HasPrefix(lines[3], tc.want), lines[3])
		})
	}
}

// The VFs' figures against the goal per VF and the target for 65,535
// VFs (extrapolated from what the peak adds to the heap before the VFs),
// and RSS where it is unknown.
func TestVFsWrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    VFs
		want []string
	}{
		{"goal met", VFs{Count: 1000, Members: 1000, Before: 1 << 20, After: 1<<20 + 500_000, Peak: 2 << 20, RSS: 8 << 20, HWM: 9 << 20, RSSKnown: true},
			[]string{"heap in use after GC: 1.0 MiB before, 1.5 MiB after: 0.5 MiB for the VFs, 500 bytes per touched VF\n",
				"RSS: 8.0 MiB (VmRSS), peak 9.0 MiB (VmHWM)\n", "target: <= 1024 bytes per touched VF (goal) met\n"}},
		{"target met, goal missed", VFs{Count: 1000, After: 2_000_000, Peak: 2 << 20},
			[]string{"RSS: unavailable (no /proc/self/status)\n", "target: under 256.0 MiB for 65,535 VFs met; goal of 1024 bytes per VF missed\n"}},
		{"target missed", VFs{Count: 1000, After: 8_000_000, Peak: 8 << 20},
			[]string{"target: under 256.0 MiB for 65,535 VFs missed (524.3 MiB extrapolated): a defect to report\n"}},
		// The heap before the first VF is not the VFs': of 9.5 MiB at
		// the peak only the 1.5 MiB they add scales (8 + 98.3 MiB);
		// scaling all of it would say 622.6 MiB.
		{"the heap before the VFs counted once", VFs{Count: 1000, Before: 8 << 20, After: 8<<20 + 1_311_000, Peak: 8<<20 + 3<<19},
			[]string{"target: under 256.0 MiB for 65,535 VFs met; goal of 1024 bytes per VF missed\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.m.Edition = spec.Virtio14
			var b bytes.Buffer
			tc.m.Write(&b)
			assert.True(t, strings.HasPrefix(b.String(), "bench vfs: 1000 VFs (virtio-blk, virtio-1.4), each touched"), b.String())
			for _, w := range tc.want {
				assert.Contains(t, b.String(), w)
			}
		})
	}
}

// TestJobsText: --jobs 0 is named by the GOMAXPROCS it stands for.
func TestJobsText(t *testing.T) {
	assert.Equal(t, "jobs 3", jobsText(3))
	assert.Equal(t, fmt.Sprintf("jobs %d (GOMAXPROCS)", runtime.GOMAXPROCS(0)), jobsText(0))
}
