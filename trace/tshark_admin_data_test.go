package trace

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// adminDataFields are the command-specific fields TestTsharkAdminData asks
// tshark for, and the adminq field (migsim decode's name) each one shows.
var adminDataFields = []struct {
	tshark string
	// decode returns the values adminq gives for a field name, nil when
	// the name is not this field's.
	decode func(opcode, name, value string) []uint64
}{
	{"migsim.admin.listed_opcode", func(_, name, value string) []uint64 {
		if name != "opcodes" {
			return nil
		}
		return leadingNumbers(value)
	}},
	{"migsim.admin.cap_id", func(_, name, value string) []uint64 {
		switch name {
		case "caps":
			return leadingNumbers(value)
		case "id":
			return parenNumber(value)
		}
		return nil
	}},
	{"migsim.admin.get_limit", exactly("get_parts_resource_objects_limit")},
	{"migsim.admin.set_limit", exactly("set_parts_resource_objects_limit")},
	{"migsim.admin.parts_obj_type", func(_, name, value string) []uint64 {
		if name != "parts_type" {
			return nil
		}
		return parenNumber(value)
	}},
	{"migsim.admin.freeze_mode", exactly("freeze_mode")},
	{"migsim.admin.obj_flags", func(opcode, name, value string) []uint64 {
		if name != "flags" || opcode != "RESOURCE_OBJ_CREATE" {
			return nil
		}
		return numbers(value)
	}},
}

var (
	leadingNumberRe = regexp.MustCompile(`(?:^|, )(\d+) `)
	parenNumberRe   = regexp.MustCompile(`\((\d+)\)`)
)

func leadingNumbers(s string) []uint64 {
	var out []uint64
	for _, m := range leadingNumberRe.FindAllStringSubmatch(s, -1) {
		out = append(out, numbers(m[1])...)
	}
	return out
}

func parenNumber(s string) []uint64 {
	if m := parenNumberRe.FindStringSubmatch(s); m != nil {
		return numbers(m[1])
	}
	return nil
}

func exactly(field string) func(_, name, value string) []uint64 {
	return func(_, name, value string) []uint64 {
		if name != field {
			return nil
		}
		return numbers(value)
	}
}

// numbers parses a comma-separated list of decimal or 0x numbers (tshark's
// occurrences, or one adminq value).
func numbers(s string) []uint64 {
	var out []uint64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.ParseUint(strings.Fields(f)[0], 0, 64)
		if err != nil {
			return append(out, ^uint64(0)) // never equal to a decoded value
		}
		out = append(out, v)
	}
	return out
}

// partFields are the device part fields TestTsharkPartSelectors asks
// tshark for.
var partFields = []string{"migsim.part.type", "migsim.part.selector", "migsim.part.offset", "migsim.part.vq",
	"migsim.part.net_class", "migsim.part.net_command"}

var (
	decodedOnce sync.Once
	decodedAll  []record.TraceEvent
	decodedCols map[string][]string // field -> one value per packet (occurrences joined by ",")
)

// decodedColumns runs tshark once per test binary over every regression
// trace's records (one pcapng, a frame per event) for the fields of
// adminDataFields and partFields, and returns the events and each field's
// values, one per packet.
func decodedColumns(t *testing.T, bin string) ([]record.TraceEvent, map[string][]string) {
	t.Helper()
	decodedOnce.Do(func() {
		var all []record.TraceEvent
		for _, tr := range regressTraces(t) {
			all = append(all, tr.events...)
		}
		path := filepath.Join(t.TempDir(), "all.pcapng")
		var b bytes.Buffer
		require.NoError(t, WritePcapng(&b, all, Meta{Scenario: "every regression trace"}))
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
		fields := slices.Clone(partFields)
		for _, f := range adminDataFields {
			fields = append(fields, f.tshark)
		}
		args := []string{"-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"}
		for _, f := range fields {
			args = append(args, "-e", f)
		}
		lines := strings.Split(strings.TrimSuffix(tshark(t, bin, args...), "\n"), "\n")
		require.Len(t, lines, len(all), "one packet per event")
		cols := map[string][]string{}
		for i, l := range lines {
			col := strings.Split(l, "\t")
			require.Len(t, col, len(fields), "packet %d: %q", i+1, l)
			for j, f := range fields {
				cols[f] = append(cols[f], col[j])
			}
		}
		decodedAll, decodedCols = all, cols
	})
	require.NotNil(t, decodedCols, "the tshark run of decodedColumns failed")
	return decodedAll, decodedCols
}

// The command-specific data the dissector decodes beyond the header (the
// opcodes of LIST_QUERY and LIST_USE, the capability ids, DEV_PARTS_CAP's
// limits, RESOURCE_OBJ_CREATE's flags and object type, the draft's
// freeze_mode) is what `migsim decode` (package adminq) reads from the same
// bytes, for every admin record of every regression trace (the tshark run
// of decodedColumns).
func TestTsharkAdminData(t *testing.T) {
	all, cols := decodedColumns(t, tsharkPath(t))
	seen := map[string]int{}
	for i, e := range all {
		want := make([][]uint64, len(adminDataFields))
		if e.Kind == record.TraceAdmin {
			cmd := adminq.DecodeTypedCommand(e.Edition, e.Admin)
			res := adminq.DecodeTypedResult(e.Edition, &cmd, e.AdminResult)
			fields := append(cmd.Fields(), res.Data.Fields()...)
			for j, f := range adminDataFields {
				for _, af := range fields {
					want[j] = append(want[j], f.decode(cmd.Name(), af.Name, af.Value)...)
				}
			}
		}
		for j, f := range adminDataFields {
			got := numbers(cols[f.tshark][i])
			if assert.Equal(t, want[j], got, "packet %d (%s): %s", i+1, SummarizeAdmin(e.Edition, e.Admin, e.AdminResult), f.tshark) && got != nil {
				seen[f.tshark]++
			}
		}
	}
	for _, f := range adminDataFields {
		assert.Positive(t, seen[f.tshark], "no regression trace shows %s", f.tshark)
	}
}

// A device part's selector decodes by its type, as package devctx reads
// it: PCI_COMMON_CFG's offset, VQ_CFG's and VQ_NOTIFY_CFG's virtqueue, and
// NET_CVQ_CFG's class and command; no other part has selector fields.
// Every part of every admin record of the regression traces (the tshark
// run of decodedColumns).
func TestTsharkPartSelectors(t *testing.T) {
	all, cols := decodedColumns(t, tsharkPath(t))
	seen := map[spec.PartType]int{}
	for i := range all {
		col := make([]string, len(partFields))
		for k, f := range partFields {
			col[k] = cols[f][i]
		}
		types, sels := numbers(col[0]), strings.Split(col[1], ",")
		if len(types) == 0 {
			continue
		}
		require.Len(t, sels, len(types), "packet %d: a selector per part", i+1)
		var offsets, vqs, classes, cmds []uint64
		for j, ty := range types {
			raw, err := hex.DecodeString(strings.ReplaceAll(sels[j], ":", ""))
			require.NoError(t, err)
			require.Len(t, raw, 8)
			p := devctx.Part{Type: spec.PartType(ty)}
			copy(p.Selector[:], raw)
			seen[p.Type]++
			switch p.Type {
			case spec.PartPCICommonCfg:
				offsets = append(offsets, uint64(p.CommonCfgOffset()))
			case spec.PartVQCfg, spec.PartVQNotifyCfg:
				vqs = append(vqs, uint64(p.VQIndex()))
			case spec.PartNetCVQCfg:
				c := p.NetCVQ().Cmd()
				classes, cmds = append(classes, uint64(c.Class)), append(cmds, uint64(c.Command))
			}
		}
		for k, want := range [][]uint64{offsets, vqs, classes, cmds} {
			assert.Equal(t, want, numbers(col[2+k]), "packet %d: %s", i+1, partFields[2+k])
		}
	}
	for _, ty := range []spec.PartType{spec.PartPCICommonCfg, spec.PartVQCfg, spec.PartVQNotifyCfg, spec.PartNetCVQCfg} {
		assert.Positive(t, seen[ty], "no regression trace has a %s part", ty)
	}
}

// draft-2023's opcode, mode and context field values are migsim's own
// (the 2023 proposal published none; docs/spec.md): the packet details say
// so on each, as migsim decode and migsim spec do, and say nothing of the
// kind in a virtio-1.4 record. One admin record of each opcode and one
// state record of each edition from the regression traces, in one tshark
// run.
func TestTsharkDraftValuesLabelled(t *testing.T) {
	bin := tsharkPath(t)
	var picked []record.TraceEvent
	seen := map[string]bool{}
	for _, tr := range regressTraces(t) {
		for _, e := range tr.events {
			key := fmt.Sprintf("%s %s", e.Edition, e.Kind)
			if e.Kind == record.TraceAdmin {
				key += " " + SummarizeAdmin(e.Edition, e.Admin, e.AdminResult).Name
			} else if e.Kind != record.TraceState {
				continue
			}
			if !seen[key] {
				seen[key] = true
				picked = append(picked, e)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "picked.pcapng")
	var b bytes.Buffer
	require.NoError(t, WritePcapng(&b, picked, Meta{Scenario: "one record of each opcode"}))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	out := tshark(t, bin, "-r", path, "-O", "migsim")
	trees := strings.Split(out, "\nmigsim trace record")[1:]
	require.Len(t, trees, len(picked), "one tree per record")
	// The opcode's, a mode's and a context field header's lines.
	labelled := regexp.MustCompile(`(?m)^\s+(Opcode: |\[?Mode: |Field [A-Z0-9_]+ \(0x)[^\n]*$`)
	for i, tree := range trees {
		e := picked[i]
		what := fmt.Sprintf("record %d (%s %s)", i+1, e.Edition, e.Kind)
		lines := labelled.FindAllString(tree, -1)
		if e.Edition == spec.Virtio14 {
			assert.NotContains(t, tree, "simulator-assigned", what)
			continue
		}
		require.NotEmpty(t, lines, "%s: no opcode, mode or context field line", what)
		for _, l := range lines {
			assert.Contains(t, l, "simulator-assigned)", "%s: %s", what, strings.TrimSpace(l))
		}
	}
}
