package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/internal/cmdbase"
)

// TestConform_MutantWrapsItsDevice: --device builtin:mutant/NAME wraps the
// reference of the device type the bug belongs to. A virtio-net mutant is
// judged with the virtio-net rows (the virtio-blk ones are not exercised)
// and exits 1 charging the requirements it breaks; a mutant of any device
// (mutants.DeviceAny) wraps the reference virtio-blk, as it always has, and
// skips the virtio-net rows. A net mutant's counterexample replays with the
// mutant it records.
func TestConform_MutantWrapsItsDevice(t *testing.T) {
	const (
		netSkip = "not for a virtio-net device: a virtio-blk row"
		blkSkip = "not for a virtio-blk device: a virtio-net row"
	)
	tests := []struct {
		mutant string
		// scenarios are judged besides smoke-migrate (a virtio-blk row).
		scenarios []string
		// fails are the requirements the run charges, no more, no fewer.
		fails []string
		// failing is a row that fails, skipped one that is not exercised.
		failing, skipped, skipReason string
	}{
		// The row, and the quiesced-mode device tests, whose frame arrives
		// in Stop and in Freeze too.
		{"dma-rx-while-stopped", []string{"net-rx-while-stopped"}, []string{"DP-DEV-11", "DRAFT-STOP-02", "DRAFT-FRZ-01"},
			"net-rx-while-stopped/virtio-1.4", "smoke-migrate/draft-2023", netSkip},
		{"naks-mac-table", []string{"net-mac-table-before-stop"}, []string{"NET-DEV-06"},
			"net-mac-table-before-stop/draft-2023", "smoke-migrate/virtio-1.4", netSkip},
		// The row charges the transparent oracle's requirements the run
		// involved (no request reached the stopped member: no DP-DEV-10);
		// the device test of the MAC table's round trip the one it breaks.
		{"forgets-mac-table-on-restore", []string{"net-mac-table-before-stop"}, []string{"DP-DEV-09", "NET-PART-02"},
			"net-mac-table-before-stop/virtio-1.4", "smoke-migrate/virtio-1.4", netSkip},
		// Caught by the device tests alone (no row has the sequence).
		{"renumbers-net-context-fields", nil, []string{"DRAFT-CTX-09"}, "", "smoke-migrate/draft-2023", netSkip},
		// Its half-written queue address is lost live (PCI-DEV-02) and in
		// the context a destination takes (DRAFT-CTX-07, split-write-carried).
		{"loses-half-written-queue-address", nil, []string{"PCI-DEV-02", "DRAFT-CTX-07"}, "", "smoke-migrate/draft-2023", netSkip},
		// Mutants of any device: around the reference virtio-blk.
		{"mode-get-lies", []string{"net-rx-while-stopped"}, []string{"DRAFT-MODE-04"},
			"smoke-migrate/draft-2023", "net-rx-while-stopped/draft-2023", blkSkip},
		{"drops-interrupts", []string{"net-rx-while-stopped"}, []string{"PCI-DEV-04", "PCI-DEV-07", "DP-DEV-08", "DRAFT-STOP-01", "DRAFT-FRZ-02", "DRAFT-CTX-01"},
			"smoke-migrate/virtio-1.4", "net-rx-while-stopped/virtio-1.4", blkSkip},
	}
	for _, tc := range tests {
		t.Run(tc.mutant, func(t *testing.T) {
			m, ok := mutants.Lookup(tc.mutant)
			require.True(t, ok)
			wantNet := m.Device == mutants.DeviceNet
			require.Equal(t, wantNet, tc.skipReason == netSkip, "the table's skip reason follows the mutant's device type")
			device := "builtin:mutant/" + tc.mutant
			dir, replays := t.TempDir(), t.TempDir()
			jsonFile := filepath.Join(dir, "report.json")
			args := []string{"conform", "--device", device, "--budget", "short", "--replay-dir", replays,
				"--report", "json=" + jsonFile, "--scenario", "smoke-migrate"}
			for _, s := range tc.scenarios {
				args = append(args, "--scenario", s)
			}
			code, _, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)

			data, err := os.ReadFile(jsonFile)
			require.NoError(t, err)
			var rep conformance.Report
			require.NoError(t, json.Unmarshal(data, &rep))
			assert.Equal(t, device, rep.Device)
			assert.Equal(t, tc.fails, rep.FailedRequirements())
			u, ok := rep.Unit(tc.skipped)
			require.True(t, ok, tc.skipped)
			assert.Equal(t, "skip", u.Verdict, tc.skipped)
			assert.Equal(t, tc.skipReason, u.Reason, tc.skipped)
			if tc.failing == "" {
				return
			}
			u, ok = rep.Unit(tc.failing)
			require.True(t, ok, tc.failing)
			require.Equal(t, "fail", u.Verdict, tc.failing)
			require.NotEmpty(t, u.Failures)
			schedule := u.Failures[0].Schedule
			require.FileExists(t, schedule)

			// The counterexample records the mutant: replayed without
			// --device it reproduces the finding with the same device.
			code, out, stderr := runSimCLI(t, "replay", schedule)
			assert.Equal(t, cmdbase.ExitFinding, code, "stdout: %s\nstderr: %s", out, stderr)
			assert.Contains(t, stderr, "replaying with "+device+", the device the file records")
			assert.Contains(t, out, "finding "+u.Failures[0].Oracle+" at step")
		})
	}
}
