package mutants_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/devicetest"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// devTestCatch is a mutant that no catalog row catches, because no
// scenario has the sequence the bug needs, and the device tests of the
// kit that catch it: exactly these units fail, on exactly these
// requirements.
type devTestCatch struct {
	mutant string
	units  []string
	fails  []string
}

// devTestCatches lists them. TestMutantsCaught counts them as caught.
var devTestCatches = []devTestCatch{
	{"keeps-latched-state-across-flr", []string{
		"DRAFT-FLR-01/draft-2023/flr-drops-written-context",
		"DRAFT-FLR-01/draft-2023/flr-drops-written-context-keep",
		"DRAFT-FLR-01/draft-2023/flr-drops-written-context-defer",
		"DP-DEV-14/virtio-1.4/flr-drops-set-parts",
		"DP-DEV-14/virtio-1.4/flr-drops-set-parts-keep",
		"DP-DEV-14/virtio-1.4/flr-drops-set-parts-defer",
	}, []string{"DP-DEV-14", "DRAFT-FLR-01"}},
	{"keeps-latched-state-across-reset", []string{
		"PCI-DEV-03/draft-2023/reset-drops-written-context",
		"DP-DEV-14/virtio-1.4/reset-drops-set-parts",
	}, []string{"PCI-DEV-03", "DP-DEV-14"}},
	{"drops-write-held-by-flr", []string{
		"DRAFT-SYNC-01/draft-2023/write-held-by-flr-applies-after",
		"DP-DEV-12/virtio-1.4/set-held-by-flr-applies-after",
	}, []string{"DRAFT-SYNC-01", "DP-DEV-12"}},
	{"keeps-msix-table-across-flr", []string{
		"PCI-DEV-05/draft-2023/flr-resets-msix-table",
		"PCI-DEV-05/virtio-1.4/flr-resets-msix-table",
	}, []string{"PCI-DEV-05"}},
	{"sends-masked-msix", []string{
		"PCI-DEV-04/draft-2023/masked-vector-held-pending",
		"PCI-DEV-04/virtio-1.4/masked-vector-held-pending",
	}, []string{"PCI-DEV-04"}},
	{"ignores-msix-enable", []string{
		"PCI-DEV-07/draft-2023/msix-disabled-drops-completion",
		"PCI-DEV-07/draft-2023/msix-disabled-drops-config-change",
		"PCI-DEV-07/virtio-1.4/msix-disabled-drops-completion",
		"PCI-DEV-07/virtio-1.4/msix-disabled-drops-config-change",
	}, []string{"PCI-DEV-07"}},
	{"ignores-msix-function-mask", []string{
		"PCI-DEV-07/draft-2023/function-mask-holds-completion",
		"PCI-DEV-07/draft-2023/function-mask-holds-config-change",
		"PCI-DEV-07/virtio-1.4/function-mask-holds-completion",
		"PCI-DEV-07/virtio-1.4/function-mask-holds-config-change",
	}, []string{"PCI-DEV-07"}},
	{"keeps-msix-control-across-flr", []string{
		"PCI-DEV-07/draft-2023/flr-clears-msix-control",
		"PCI-DEV-07/virtio-1.4/flr-clears-msix-control",
	}, []string{"PCI-DEV-07"}},
	{"applies-part-of-failed-set", []string{
		"DP-DEV-08/virtio-1.4/failed-set-no-side-effects",
	}, []string{"DP-DEV-08"}},
	{"parts-get-ignores-result-cap", []string{
		"AVQ-DEV-01/virtio-1.4/parts-get-result-cap",
	}, []string{"AVQ-DEV-01"}},
	{"renumbers-net-context-fields", []string{
		"DRAFT-CTX-09/draft-2023/net-context-fields",
		"DRAFT-STOP-02/draft-2023/taken-frames-used-or-owned-at-stop",
		"DRAFT-CTX-09/draft-2023/net-mac-table-round-trip",
		"DRAFT-CTX-09/draft-2023/net-cvq-state-round-trip",
		"DRAFT-STOP-02/draft-2023/filled-rx-buffer-used-or-owned-at-stop",
		"DRAFT-CTX-09/draft-2023/net-mq-round-trip",
	}, []string{"DRAFT-CTX-09"}},
	// The half it forgets at the stop is the write DRAFT-CTX-07 carries.
	{"loses-half-written-queue-address", []string{
		"PCI-DEV-02/draft-2023/halves-across-modes",
		"DRAFT-CTX-07/draft-2023/split-write-carried",
		"PCI-DEV-02/virtio-1.4/halves-across-stop",
		"PCI-DEV-02/virtio-1.4/halves-across-move",
	}, []string{"PCI-DEV-02", "DRAFT-CTX-07"}},
	// The source keeps the half across the stop; the destination, given
	// the parts without it, completes the address with a zero half.
	// split-queue-desc-write stops the device between the halves in a
	// window its sampling reaches on some seeds only, and its transparent
	// finding (requests never completed) singles out no requirement.
	{"saves-half-written-address-as-zero", []string{
		"PCI-DEV-02/virtio-1.4/halves-across-move",
	}, []string{"PCI-DEV-02"}},
	{"drops-config-irq-held-in-stop", []string{
		"DRAFT-STOP-01/draft-2023/config-irq-held-until-resume",
	}, []string{"DRAFT-STOP-01"}},
	// No requirement binds the qualifier of a member's EINVAL: the unit
	// fails on check devicetest.CheckQualifier, naming none.
	{"drops-einval-qualifier", []string{
		"ADM-DEV-02/virtio-1.4/refusals-einval-qualifier",
	}, nil},
}

// devTestKills lists mutants a catalog row catches (catches) that device
// tests kill too, with the same contract as devTestCatches: exactly these
// units fail, on exactly these requirements.
var devTestKills = []devTestCatch{
	{"reads-zero-before-reset-done", []string{
		"PCI-DEV-03/draft-2023/reset-reads-zero-only-when-done",
		"PCI-DEV-03/draft-2023/reset-reads-zero-only-when-done-reply-on-start",
		"PCI-DEV-03/virtio-1.4/reset-reads-zero-only-when-done",
	}, []string{"PCI-DEV-03"}},
	// The round trips of the MAC table need it set: they fail their
	// set-up, which names no requirement.
	{"naks-mac-table", []string{
		"NET-DEV-06/draft-2023/net-ctrl-mac-table",
		"NET-DEV-06/virtio-1.4/net-ctrl-mac-table",
	}, []string{"NET-DEV-06"}},
	{"forgets-mac-table-on-restore", []string{
		"NET-PART-02/virtio-1.4/net-mac-table-round-trip",
		"NET-PART-02/virtio-1.4/net-cvq-state-round-trip",
	}, []string{"NET-PART-02"}},
	// The destination reads back the maximum and steers frames beyond the
	// pairs in use: the draft-2023 unit fails on the written context's
	// restore, DRAFT-CTX-01.
	{"restores-max-pairs", []string{
		"DRAFT-CTX-09/draft-2023/net-mq-round-trip",
		"NET-PART-02/virtio-1.4/net-mq-round-trip",
	}, []string{"DRAFT-CTX-01", "NET-PART-02"}},
}

// TestMutantsCaughtByDeviceTests runs the device tests of the kit on each
// mutant of devTestCatches and devTestKills: exactly its units fail, each
// on its own requirement (or, for a qualifier, on none), and the reference
// device passes them. The table of devTestCatches goes to
// docs/conformance.md (section "mutants-devtests"; regenerate with
// go test ./conformance/mutants -run TestMutantsCaughtByDeviceTests -rewrite).
func TestMutantsCaughtByDeviceTests(t *testing.T) {
	refBlk, err := conformance.Check(conformance.FactoryDevice("builtin:blk", blk.New), conformance.Parts(true, false))
	require.NoError(t, err)
	refNet, err := conformance.Check(conformance.NetFactoryDevice("builtin:net", membernet.New), conformance.Parts(true, false))
	require.NoError(t, err)
	for _, c := range slices.Concat(devTestCatches, devTestKills) {
		m, ok := mutants.Lookup(c.mutant)
		require.True(t, ok, c.mutant)
		t.Run(c.mutant, func(t *testing.T) {
			// A virtio-net mutant is judged as a virtio-net device, against
			// the reference virtio-net; any other around the reference blk.
			ref, dev := refBlk, conformance.FactoryDevice("builtin:mutant/"+c.mutant, m.Factory(blk.New))
			if m.Device == mutants.DeviceNet {
				ref, dev = refNet, conformance.NetFactoryDevice("builtin:mutant/"+c.mutant, m.Factory(membernet.New))
			}
			rep, err := conformance.Check(dev, conformance.Parts(true, false), conformance.Editions(m.Editions...))
			require.NoError(t, err)
			var failed []string
			for _, u := range rep.Units {
				if u.Verdict != "fail" {
					continue
				}
				failed = append(failed, u.Name)
				// Each failure names one requirement: the unit's own, or
				// one the mutant's row lists that the unit exercises too
				// (a taken frame missing from NET_INFLIGHT fails the
				// taken-frames unit on DRAFT-CTX-09).
				for _, f := range u.Failures {
					if f.Check == devicetest.CheckQualifier {
						assert.Empty(t, f.Requirements, "%s: %s", u.Name, f.Message)
						continue
					}
					if assert.Len(t, f.Requirements, 1, "%s: %s", u.Name, f.Message) && f.Requirements[0] != strings.Split(u.Name, "/")[0] {
						assert.Contains(t, c.fails, f.Requirements[0], "%s: %s", u.Name, f.Message)
					}
				}
			}
			assert.ElementsMatch(t, c.units, failed, "the device tests that fail")
			assert.ElementsMatch(t, c.fails, rep.FailedRequirements(), "the requirements that fail")
			assertRequirementViewFails(t, rep)
			for _, name := range c.units {
				u, ok := ref.Unit(name)
				if assert.True(t, ok, name) {
					assert.Equal(t, "pass", u.Verdict, "the reference device on %s: %v", name, u.Failures)
				}
			}
		})
	}
	if t.Failed() {
		return
	}
	golden.CheckSection(t, "../../"+ConformanceDocPath, "mutants-devtests", []byte(devTestCatchDoc()))
}

func devTestCatchDoc() string {
	var b strings.Builder
	b.WriteString(`<!-- Generated by TestMutantsCaughtByDeviceTests (conformance/mutants). Do not edit: run
     go test ./conformance/mutants -run TestMutantsCaughtByDeviceTests -rewrite -->

No catalog row catches these mutants, for no scenario has the sequence their bug needs: the
catalog's FLR and reset scenarios reset the source and write state only to the destination, never
during an FLR; the guest drivers never mask an MSI-X vector, never clear MSI-X Enable or set
Function Mask, and program the MSI-X table and set MSI-X Enable again after an FLR; the owner sends
no DEV_PARTS_SET that fails on a later part, and sizes every DEV_PARTS_GET buffer from
DEV_PARTS_METADATA_GET(SIZE); no scenario changes the migration mode between the two
halves of a queue address, and the one that moves a device between them (split-queue-desc-write)
reaches that window on some exploration seeds only; every destination is the source's own implementation, so a context
whose virtio-net fields carry numbers of the device's own still migrates; no row resumes from Stop
a device whose configuration changed on the host side while it was stopped, and the owner sends no
malformed DEV_PARTS_SET. The kit's device tests do (sections "FLR and reset of state written while
quiesced", "MSI-X, failed SETs and short buffers", "The virtio-net context fields" and "A reset in
progress, a configuration change in Stop, EINVAL qualifiers"; a virtio-net mutant is judged as a
virtio-net device); each mutant fails exactly the units listed, on the requirements listed, and the
reference device passes them.

| mutant | what it does wrong | editions | device tests that fail | requirements |
|---|---|---|---|---|
`)
	devTestRows(&b, devTestCatches)
	b.WriteString(`
Some mutants a catalog row catches fail device tests too, so that ` + "`--parts device`" + ` alone, the
kit's fast part, fails them: each fails exactly the units listed, on the requirements listed (a unit
whose set-up the bug breaks, such as a round trip of the MAC table a device does not ack, is "set-up
failed" and names none), and the reference device passes them.

| mutant | what it does wrong | editions | device tests that fail | requirements |
|---|---|---|---|---|
`)
	devTestRows(&b, devTestKills)
	return b.String()
}

// devTestRows writes a table row per mutant of cs.
func devTestRows(b *strings.Builder, cs []devTestCatch) {
	for _, c := range cs {
		m, _ := mutants.Lookup(c.mutant)
		var eds []string
		for _, e := range m.Editions {
			eds = append(eds, e.String())
		}
		units := slices.Clone(c.units)
		for i, u := range units {
			units[i] = "`" + u + "`"
		}
		reqs := strings.Join(c.fails, ", ")
		if len(c.fails) == 0 {
			reqs = "none (check `" + devicetest.CheckQualifier + "`: no requirement binds a member's EINVAL qualifier)"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", c.mutant, strings.ReplaceAll(m.Doc, "|", `\|`),
			strings.Join(eds, ", "), strings.Join(units, "<br>"), reqs)
	}
}
