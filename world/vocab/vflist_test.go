package vocab

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
)

// vfListRepeats is a VF list that names the same 256 VFs a thousand times
// (6 KB, above the 4 KiB a `set vm-vfs=` value may hold, scenario.MaxText,
// so ParseVFList's own bound is what is measured): what it asks for is 256
// VFs.
var vfListRepeats = strings.Repeat("1-256,", 999) + "1-256"

// BenchmarkParseVFList parses vfListRepeats: its allocations are the
// 256 VFs' and their table's, not the list's.
func BenchmarkParseVFList(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(vfListRepeats)))
	for b.Loop() {
		if _, err := ParseVFList(vfListRepeats, scenario.MaxVFs); err != nil {
			b.Fatal(err)
		}
	}
}

// ParseVFList allocates two blocks (the seen-table and the result),
// bounded by the VFs named, however long the list (an error allocates only
// itself): expanding every range
// first took 10 MB for vfListRepeats. A bad part anywhere is refused
// before any range is expanded.
func TestParseVFList_AllocationBoundedByVFs(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        string
		maxAllocs float64
		maxBytes  uint64
	}{
		{"a range a thousand times", vfListRepeats, 2, 4096},
		{"the highest VF", "65535", 2, 16 << 10},
		{"bad last part", vfListRepeats + ",0", 10, 512}, // a few for the errors (the number parser's, the quoted part, the list's), none for a table
	} {
		t.Run(tc.name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(10, func() { _, _ = ParseVFList(tc.in, scenario.MaxVFs) })
			// The list's length does not count, with or without the race
			// detector: one part, or its last, allocates as much.
			one := tc.in[strings.LastIndexByte(tc.in, ',')+1:]
			if strings.HasSuffix(tc.in, ",0") {
				one = "1-256,0"
			}
			assert.InDelta(t, testing.AllocsPerRun(10, func() { _, _ = ParseVFList(one, scenario.MaxVFs) }), allocs, 2,
				"%s allocates as %s does, not a thousand times more", tc.name, one)
			if raceEnabled {
				return // the race detector's own allocations make the counts larger
			}
			assert.LessOrEqual(t, allocs, tc.maxAllocs)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 10 {
				_, _ = ParseVFList(tc.in, scenario.MaxVFs)
			}
			runtime.ReadMemStats(&after)
			assert.Less(t, (after.TotalAlloc-before.TotalAlloc)/10, tc.maxBytes)
		})
	}
}

// FuzzParseVFList: a list is parsed or refused, never a panic; what is
// parsed is sorted, distinct and inside 1..n, and printed back as a list
// it parses to itself.
func FuzzParseVFList(f *testing.F) {
	for _, s := range []string{"1-3,2,8", "4", "0", "3-1", "9", "x", "1-8,12,8", "1-200,301-400", "1-65535", "65535", "", ",", "1-", "-1", "1--2", "+3", "0x4"} {
		f.Add(s, 8)
		f.Add(s, scenario.MaxVFs)
	}
	f.Add(vfListRepeats, 1024)
	f.Add("1", -1)
	f.Add("70000", 1<<40)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got, err := ParseVFList(s, n)
		if err != nil {
			// The part, quoted and clipped past 64 bytes (scenario.Quote).
			require.Regexp(t, `^"(\\.|[^"\\])*"…?: `, err.Error(), "the error names the part")
			return
		}
		require.NotEmpty(t, got)
		for i, vf := range got {
			require.True(t, vf >= 1 && vf <= min(n, scenario.MaxVFs), "VF %d of %q outside 1..%d", vf, s, n)
			require.True(t, i == 0 || got[i-1] < vf, "%v is not sorted and distinct", got)
		}
		parts := make([]string, len(got))
		for i, vf := range got {
			parts[i] = strconv.Itoa(vf)
		}
		again, err := ParseVFList(strings.Join(parts, ","), n)
		require.NoError(t, err, fmt.Sprint(got))
		require.Equal(t, got, again)
	})
}
