package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

func TestBenchVFs_PrintsHeapAndRSS(t *testing.T) {
	for _, ed := range []string{"draft-2023", "virtio-1.4"} {
		t.Run(ed, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "bench", "vfs", "--count", "300", "--spec", ed)
			require.Equal(t, cmdbase.ExitOK, code, "stderr: %s", stderr)
			for _, re := range []string{
				`(?m)^bench vfs: 300 VFs \(virtio-blk, ` + ed + `\), each touched`,
				`(?m)^members built: 300, elapsed `,
				`(?m)^heap in use after GC: [0-9.]+ MiB before, [0-9.]+ MiB after: [0-9.]+ MiB for the VFs, -?[0-9]+ bytes per touched VF$`,
				`(?m)^peak heap in use \(sampled every 4096 VFs\): [0-9.]+ MiB$`,
				`(?m)^RSS: [0-9.]+ MiB \(VmRSS\), peak [0-9.]+ MiB \(VmHWM\)$`,
				`(?m)^target: `,
			} {
				assert.Regexp(t, regexp.MustCompile(re), out)
			}
		})
	}
}

func TestBenchVFs_BadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--count", "0"},
		{"--count", "65536"},
		{"--count", "abc"},
		{"--spec", "virtio-9"},
		{"extra"},
	} {
		code, _, stderr := runSimCLI(t, append([]string{"bench", "vfs"}, args...)...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%q", args)
		assert.Contains(t, stderr, "bench vfs", "%q", args)
	}
}
