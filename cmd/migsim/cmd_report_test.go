package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/trace"
)

// canonicalFinding is the regression schedule of the canonical finding:
// the guest's FLR completes inside Freeze (flr-during-freeze, draft-2023,
// flr-vs-mode=complete-anyway, mode-after-flr=keep).
const canonicalFinding = "../../catalog/testdata/regress/flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json"

// The report of the canonical finding is golden (testdata/report), has
// every section in order, and its Mermaid blocks parse. Regenerate with
// go test ./cmd/migsim -run TestReport_CanonicalFindingGolden -rewrite.
func TestReport_CanonicalFindingGolden(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "report", canonicalFinding, "--out", dir)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	name := "flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep"
	var want string
	for _, ext := range []string{".md", ".pcapng", ".dot"} {
		want += "wrote " + filepath.Join(dir, name+ext) + "\n"
	}
	want += "wrote " + filepath.Join(dir, "migsim.lua") + "\n" // the dissector, for the tshark command
	assert.Equal(t, want, out, "every file it wrote, one a line, the Markdown first")
	md, err := os.ReadFile(filepath.Join(dir, name+".md"))
	require.NoError(t, err)
	for _, ext := range []string{".pcapng", ".dot"} {
		fi, err := os.Stat(filepath.Join(dir, name+ext))
		require.NoError(t, err, ext)
		assert.Positive(t, fi.Size(), ext)
	}
	dot, err := os.ReadFile(filepath.Join(dir, name+".dot"))
	require.NoError(t, err)
	assert.Contains(t, string(dot), `"Stop" -> "Freeze" [color="#d62728", fontcolor="#d62728", penwidth=2.5, label="src.vf1@77"];`)

	last := -1
	for _, s := range trace.ReportSections {
		i := strings.Index(string(md), "\n## "+s+"\n")
		require.True(t, i > last, "section %q missing or out of order", s)
		last = i
	}
	blocks := trace.MermaidBlocks(string(md))
	require.Len(t, blocks, 2, "sequence diagram and gantt")
	for i, b := range blocks {
		assert.NoError(t, trace.CheckMermaid(b), "block %d", i)
	}
	assert.Contains(t, string(md), "**Violation of `frozen-context`**")
	assert.Contains(t, string(md), "| `DRAFT-FRZ-02` | **broken** | MUST | device |")
	assert.Contains(t, string(md), "\nmigsim replay "+canonicalFinding)
	// The Why section: the guest's FLR before the vCPUs resume (as replay
	// --explain says).
	assert.Regexp(t, "\n- step \\d+ `vcpu0:cfg-write 0x50=0x[0-9a-f]+` \\(src\\.vf1: FLR started\\) before step \\d+ `hv:resume-vcpus`\n", string(md))

	// Every step the Why section's orderings name has a packet in the
	// pcapng, a quiet step of the hypervisor's (hv:resume-vcpus) too.
	pcap, err := os.ReadFile(filepath.Join(dir, name+".pcapng"))
	require.NoError(t, err)
	r, err := pcapgo.NewNgReader(bytes.NewReader(pcap), pcapgo.DefaultNgReaderOptions)
	require.NoError(t, err)
	inPcap := map[int]bool{}
	for {
		data, _, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		rec, err := trace.DecodeRecord(data)
		require.NoError(t, err)
		inPcap[rec.Step] = true
	}
	named := regexp.MustCompile("step (\\d+) `").FindAllStringSubmatch(string(md), -1)
	require.NotEmpty(t, named, "the Why section names no step")
	for _, m := range named {
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		assert.True(t, inPcap[n], "step %d, which the report names, has no packet", n)
	}
	// The tshark command reads the pcapng where the command line put it,
	// beside the report, with the dissector written beside it: the
	// temporary --out directory reads as findings.
	assert.Contains(t, string(md), "\ntshark -N n -X lua_script:"+filepath.Join(dir, "migsim.lua")+" -r "+filepath.Join(dir, name+".pcapng")+" ")
	md = bytes.ReplaceAll(md, []byte(dir), []byte("findings"))
	golden.Check(t, filepath.Join("testdata", "report", name+".md"), md)
}

// --explain-runs 0 leaves the explanation out, and the Why section says so.
func TestReport_ExplainRunsZero(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runSimCLI(t, "report", canonicalFinding, "--out", dir, "--explain-runs", "0")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	md, err := os.ReadFile(filepath.Join(dir, "flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "\n## Why\n\nNot explained (--explain-runs 0).\n\n## Scenario\n")
	assert.NotContains(t, string(md), "\n- step ")
}

// The mode graph draws a transition the FLR made as a dotted arc: under
// mode-after-flr=running the FLR that completes inside Freeze takes the
// source back to Active.
func TestReport_FLRArc(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runSimCLI(t, "report", "../../catalog/testdata/regress/flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway.json", "--out", dir)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	dot, err := os.ReadFile(filepath.Join(dir, "flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway.dot"))
	require.NoError(t, err)
	assert.Regexp(t, `"Freeze" -> "Active" \[color="#1f77b4", fontcolor="#1f77b4", style=dotted, penwidth=2, label="FLR: src\.vf1@\d+"\];`, string(dot))
}

// migsim run --report-dir of several findings names every file it wrote
// once: each report writes the one dissector beside its capture.
func TestReport_RunReportDirNamesEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "run", "--spec", "draft-2023", "--report-dir", dir,
		"common-config-write-in-freeze", "config-write-while-frozen")
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	mds, err := filepath.Glob(filepath.Join(dir, "*.md"))
	require.NoError(t, err)
	require.Len(t, mds, 2, "two finding rows: %s", stderr)
	lua := filepath.Join(dir, "migsim.lua")
	_, err = os.Stat(lua)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(stderr, "wrote "+lua+"\n"), "the dissector is named once: %s", stderr)
	for _, md := range mds {
		assert.Equal(t, 1, strings.Count(stderr, "wrote "+md+"\n"), "each report is named once: %s", stderr)
	}
}

// migsim run --report-dir writes a schedule and a report per finding; the
// report's replay command names the schedule written beside it.
func TestReport_RunReportDir(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "run", "--spec", "draft-2023", "--report-dir", dir, flrScenario)
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	mds, err := filepath.Glob(filepath.Join(dir, "*.md"))
	require.NoError(t, err)
	require.Len(t, mds, 1, "one finding row: %s", stderr)
	base := strings.TrimSuffix(mds[0], ".md")
	for _, ext := range []string{".json", ".pcapng", ".dot"} {
		_, err := os.Stat(base + ext)
		assert.NoError(t, err, ext)
	}
	md, err := os.ReadFile(mds[0])
	require.NoError(t, err)
	assert.Contains(t, string(md), "\nmigsim replay "+base+".json")
	assert.Contains(t, string(md), "\n## Why\n\n", "run --report-dir explains with the default budget")
	assert.NotContains(t, string(md), "Not explained")
	for _, ext := range []string{".json", ".md", ".pcapng", ".dot"} {
		assert.Contains(t, stderr, "wrote "+base+ext+"\n", "run --report-dir names every file it wrote")
	}
	code, _, stderr = runSimCLI(t, "replay", base+".json")
	assert.Equal(t, cmdbase.ExitFinding, code, "the schedule replays to its finding: %s", stderr)
}

func TestReport_UsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", nil, cmdbase.ExitUsage, "want one schedule FILE, got 0 arguments"},
		{"bad steps", []string{canonicalFinding, "--steps", "0"}, cmdbase.ExitUsage, "--steps 0"},
		{"missing file", []string{"nope.json"}, cmdbase.ExitUsage, "nope.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runSimCLI(t, append([]string{"report"}, tt.args...)...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

// A report of a finding the run without migration decides (transparent)
// has the Run without migration section after Why: that run's oracles,
// the first difference of the guest logs and the verdict, with the
// commands that print them; a report of another finding has none.
func TestReport_WithoutMigration(t *testing.T) {
	cases := []struct {
		name, schedule string
		want           []string // in order, the section's lines; nil: no section
	}{
		{"transparent", regressFile("flr-on-destination-after-write_draft-2023.json"), []string{
			"\n## Why\n",
			"\n## " + trace.ControlSection + "\n\n",
			"```text\noracles without migration: pass (no oracle fired)\n",
			"guest log, migrated against without migration: first difference at entry 3\n",
			"  migrated:          vcpu0: wait: 1 requests never completed\n",
			"  without migration: vcpu0: write sector=2 count=2: status=0\n",
			"verdict: the run without migration passes the oracles and the migrated run ends in transparent: the migration is at fault\n```\n",
			"`migsim replay " + regressFile("flr-on-destination-after-write_draft-2023.json") + " --without-migration` prints the same",
			"\n## Scenario\n"}},
		{"transparent, the device's config", regressFile("wce-write-during-stop_virtio-1.4.json"), []string{
			"\n## " + trace.ControlSection + "\n\n",
			"guest log, migrated against without migration: first difference at entry 8\n",
			"  without migration: vcpu0: config: capacity=2048 writeback=0\n",
			"the migrated run ends in transparent: the migration is at fault\n"}},
		{"frozen-context", canonicalFinding, nil},
		{"one-running", regressFile("flr-while-stopped_virtio-1.4.json"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			code, out, stderr := runSimCLI(t, "report", c.schedule, "--out", dir, "--explain-runs", "0")
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			md, err := os.ReadFile(reportMarkdown(t, out))
			require.NoError(t, err)
			if c.want == nil {
				assert.NotContains(t, string(md), trace.ControlSection)
				assert.NotContains(t, string(md), "without migration:")
				return
			}
			rest := string(md)
			for _, w := range c.want {
				i := strings.Index(rest, w)
				require.GreaterOrEqual(t, i, 0, "%q missing or out of order in\n%s", w, md)
				rest = rest[i+len(w):]
			}
			assert.Len(t, trace.MermaidBlocks(string(md)), 2, "the section adds no Mermaid block")
		})
	}
}

// A report made with a device under test names it in the Scenario table
// as the command line names it: an exec device's deadline and arguments
// too, without which the run is another device's (the same program with
// other arguments is another device); the Run without migration section's
// commands carry the same flags. A builtin device's flags are its name.
func TestReport_DeviceFlags(t *testing.T) {
	extblk := buildProgram(t, "../../examples/extblk", "extblk")
	path := regressFile("flr-on-destination-after-write_draft-2023.json")
	cases := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"exec with a deadline and arguments", []string{"--device", "exec:" + extblk, "--timeout", "7s", "--", "--fixed", "a b"}, []string{
			"| device | `exec:" + extblk + "` (`--device exec:" + extblk + " --timeout 7s -- --fixed 'a b'`) |\n",
			"`migsim replay " + path + " --without-migration --device exec:" + extblk + " --timeout 7s -- --fixed 'a b'` prints the same",
			"\nmigsim trace --device exec:" + extblk + " " + path + " --format text --timeout 7s -- --fixed 'a b'\n"}, nil},
		{"exec, the default deadline, no arguments", []string{"--device", "exec:" + extblk}, []string{
			"| device | `exec:" + extblk + "` |\n",
			"`migsim replay " + path + " --without-migration --device exec:" + extblk + "` prints the same"}, []string{"--timeout"}},
		{"builtin", []string{"--device", builtinBlk}, []string{
			"| device | `" + builtinBlk + "` |\n",
			"--without-migration --device " + builtinBlk + "` prints the same"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"report", path, "--out", dir, "--explain-runs", "0"}, c.args...)
			code, out, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			md, err := os.ReadFile(reportMarkdown(t, out))
			require.NoError(t, err)
			for _, w := range c.want {
				assert.Contains(t, string(md), w)
			}
			for _, n := range c.not {
				assert.NotContains(t, string(md), n)
			}
		})
	}
}

// reportMarkdown is the Markdown file among the files migsim report says
// it wrote (its first "wrote PATH" line).
func reportMarkdown(t *testing.T, out string) string {
	t.Helper()
	first, _, _ := strings.Cut(out, "\n")
	md, ok := strings.CutPrefix(first, "wrote ")
	require.True(t, ok && strings.HasSuffix(md, ".md"), "migsim report's first line names its Markdown file: %q", out)
	return md
}
