package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/compatreport"
)

// docExample is one ```console block of docs/compat.md: the command, its
// exact output (stdout then stderr) and the exit status after `$ echo $?`.
type docExample struct {
	title  string
	args   []string
	output string
	exit   int
}

// parseCompatDoc extracts every `$ migsim compat …` example of the doc.
func parseCompatDoc(t *testing.T, doc string) []docExample {
	t.Helper()
	var out []docExample
	title := ""
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "### ") {
			title = strings.TrimPrefix(lines[i], "### ")
		}
		if lines[i] != "```console" {
			continue
		}
		require.Less(t, i+1, len(lines))
		cmd, ok := strings.CutPrefix(lines[i+1], "$ migsim ")
		require.True(t, ok, "console block at line %d does not start with $ migsim", i+2)
		ex := docExample{title: title, args: strings.Fields(cmd)}
		var body []string
		j := i + 2
		for ; j < len(lines) && lines[j] != "$ echo $?"; j++ {
			require.NotEqual(t, "```", lines[j], "example %q has no `$ echo $?`", title)
			body = append(body, lines[j])
		}
		require.Less(t, j+2, len(lines), "example %q is cut short", title)
		code, err := strconv.Atoi(lines[j+1])
		require.NoError(t, err, "example %q: exit status line %q", title, lines[j+1])
		require.Equal(t, "```", lines[j+2], "example %q: block must end after the status", title)
		ex.exit = code
		ex.output = strings.Join(body, "\n") + "\n"
		out = append(out, ex)
		i = j + 2
	}
	return out
}

// TestCompatDocExamples runs every example of docs/compat.md and checks its
// exact output and exit status, and that every example file is used.
func TestCompatDocExamples(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	doc, err := os.ReadFile(filepath.Join("docs", "compat.md"))
	require.NoError(t, err)
	examples := parseCompatDoc(t, string(doc))
	require.GreaterOrEqual(t, len(examples), 7, "the doc must keep its worked examples")

	// What the examples use and the exit statuses they document are the
	// doc's, read here, so that each example also runs alone (-run); each
	// subtest checks its example's documented status against the run's.
	used := map[string]bool{}
	verdicts := map[int]int{}
	for _, ex := range examples {
		for _, a := range ex.args[1:] {
			if strings.HasSuffix(a, ".json") {
				used[filepath.Base(a)] = true
			}
		}
		verdicts[ex.exit]++
		t.Run(ex.title, func(t *testing.T) {
			require.Equal(t, "compat", ex.args[0])
			var stdout, stderr bytes.Buffer
			code := run(ex.args, nil, &stdout, &stderr)
			assert.Equal(t, ex.exit, code, "exit status")
			assert.Equal(t, ex.output, stdout.String()+stderr.String())
		})
	}
	assert.Positive(t, verdicts[cmdbase.ExitOK], "at least one compatible example")
	assert.Positive(t, verdicts[cmdbase.ExitFinding], "at least one incompatible example")

	files, err := filepath.Glob(filepath.Join("docs", "examples", "compat", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		assert.True(t, used[filepath.Base(f)], "%s is not used by any example in docs/compat.md", f)
	}
}

// TestCompatDocCoversRequiredCases checks the doc keeps an example for each
// case the issue asks for, with the verdict it asks for.
func TestCompatDocCoversRequiredCases(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "compat.md"))
	require.NoError(t, err)
	byTitle := map[string]docExample{}
	for _, ex := range parseCompatDoc(t, string(doc)) {
		byTitle[ex.title] = ex
	}
	want := []struct {
		title string
		exit  int
		code  string
	}{
		{"Compatible", cmdbase.ExitOK, ""},
		{"Model mismatch", cmdbase.ExitFinding, "  model: "},
		{"Version too new", cmdbase.ExitFinding, "  version: state version 4 is too new"},
		{"Parameter value", cmdbase.ExitFinding, "  param-value "},
		{"Newer source with the new feature on", cmdbase.ExitFinding, "  param-unknown rss"},
		{"The same newer source with the feature off", cmdbase.ExitOK, ""},
		{"Parameter required", cmdbase.ExitFinding, "  param-required "},
	}
	for _, w := range want {
		ex, ok := byTitle[w.title]
		if assert.True(t, ok, "doc lacks example %q", w.title) {
			assert.Equal(t, w.exit, ex.exit, w.title)
			assert.Contains(t, ex.output, w.code, w.title)
		}
	}
}

func TestCompatUsageErrors(t *testing.T) {
	ex := filepath.Join("..", "..", "docs", "examples", "compat")
	src, dst := filepath.Join(ex, "src-net-v3.json"), filepath.Join(ex, "dst-net-1.3.json")
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 1},
 "params": [{"name": "q", "type": "int", "allowed": ["4-1"]}]}]}`), 0o644))
	empty := filepath.Join(t.TempDir(), "empty.json")
	require.NoError(t, os.WriteFile(empty, []byte(`{}`), 0o644))
	state := filepath.Join(ex, "state-net-4q.state")
	trial := func(name string) string {
		return filepath.Join("..", "..", "devctx", "compat", "testdata", "trial", name)
	}
	wrongKind := filepath.Join(t.TempDir(), "kind.json")
	require.NoError(t, os.WriteFile(wrongKind, []byte(`{"model": "m/x", "state_version": 1, "colour": "red"}`), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no_args", []string{"compat"}, "want 2 arguments"},
		{"one_arg", []string{"compat", src}, "want 2 arguments"},
		{"bad_format", []string{"compat", "--format", "yaml", src, dst}, `--format "yaml"`},
		{"bad_flag", []string{"compat", "--nope", src, dst}, "unknown flag"},
		{"missing_src", []string{"compat", "nope.json", dst}, "SRC: open nope.json"},
		{"missing_dst", []string{"compat", src, "nope.json"}, "DST: open nope.json"},
		{"invalid_dst", []string{"compat", src, bad}, `models[0] (m/x): params[0] (q): allowed[0]: allowed "4-1": range is empty`},
		{"unknown_field", []string{"compat", wrongKind, dst}, `line 1, column 54: json: unknown field "colour"`},
		{"dst_as_src", []string{"compat", dst, dst}, `SRC`},
		// An empty description is an input error whichever side it is on
		// (it was an incompatible pair, exit 1, as a destination).
		{"empty_src", []string{"compat", empty, dst}, "SRC " + empty + ": source description: line 1, column 1: model: missing"},
		{"empty_dst", []string{"compat", src, empty}, "DST " + empty + ": destination description: line 1, column 1: models: missing"},
		{"empty_dst_of_state", []string{"compat", "--state", state, empty}, "DST " + empty + ": destination description: line 1, column 1: models: missing"},
		// Bad values name the file, line, column, JSON path and bound.
		{"init_not_allowed", []string{"compat", src, trial("d-initbad.json")}, "DST " + trial("d-initbad.json") +
			": destination description: line 2, column 71: models[0] (virtio-spec.org/pci/virtio-net): params[0] (num-queues): init: 9 is not allowed (allowed 1-4)"},
		{"off_not_allowed", []string{"compat", src, trial("d-offnotallowed.json")}, "DST " + trial("d-offnotallowed.json") +
			": destination description: line 2, column 143: models[0] (virtio-spec.org/pci/virtio-net): params[1] (mtu): off: 0 is not allowed (allowed 1500-9000)"},
		{"state_version_bound", []string{"compat", trial("s-ver70000.json"), dst}, "SRC " + trial("s-ver70000.json") +
			": source description: line 1, column 59: state_version: 70000 outside 0-65535 (a le16 of the compatibility header)"},
		{"int_bound", []string{"compat", trial("s-hugeint.json"), dst}, "SRC " + trial("s-hugeint.json") +
			": source description: line 1, column 113: params[0] (num-queues): value: 99999999999999999999 is not an int: outside -9223372036854775808..9223372036854775807"},
		{"duplicate_param", []string{"compat", trial("s-dupparam.json"), dst}, "SRC " + trial("s-dupparam.json") +
			": source description: line 1, column 124: params[1] (num-queues): name: duplicate of params[0] (a parameter is listed once, in any order)"},
		{"feature_bit_64", []string{"compat", trial("s-bit64.json"), dst}, "SRC " + trial("s-bit64.json") +
			": source description: line 3, column 43: device_features[1]: bit 64 outside 0-63"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, cmdbase.ExitUsage, run(tc.args, nil, &stdout, &stderr))
			assert.Contains(t, stderr.String(), tc.want)
			assert.Empty(t, stdout.String())
		})
	}
}

func TestCompatHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, cmdbase.ExitOK, run([]string{"compat", "--help"}, nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "usage: migsim compat")
	assert.Empty(t, stderr.String())
}

// A check that reached no verdict (an error that is not an
// incompatibility, as compatreport.Fill returns it) prints the error and
// exits 2: never the compatible verdict, nothing on stdout.
func TestCompatNoVerdictExits2(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var stdout, stderr bytes.Buffer
		rep, err := compatreport.Fill(compatreport.Report{Model: "m"}, compat.LoadPlan{}, errors.New("read SAVED: input/output error"))
		require.Error(t, err)
		code := writeCompatReport(&stdout, &stderr, rep, err, format)
		assert.Equal(t, cmdbase.ExitUsage, code, format)
		assert.Empty(t, stdout.String(), format)
		assert.Equal(t, "migsim compat: compat check: no verdict: read SAVED: input/output error\n", stderr.String(), format)
	}
}
