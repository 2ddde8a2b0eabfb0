package cmdconform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/spec"
)

// TestParseDevice: the --device values migsim conform reads, and the
// errors, which name the flag and quote the value.
func TestParseDevice(t *testing.T) {
	m := mutants.All()[0]
	dir := t.TempDir()
	prog := filepath.Join(dir, "extblk")
	require.NoError(t, os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755))
	t.Chdir(dir) // extblk is a file of the current directory, not on PATH
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct {
		name     string
		o        conformOptions
		wantName string
		wantEds  []spec.Edition
		wantErr  string
	}{
		{"blk", conformOptions{device: "builtin:blk"}, "builtin:blk", nil, ""},
		{"net", conformOptions{device: "builtin:net"}, "builtin:net", nil, ""},
		{"mutant", conformOptions{device: "builtin:mutant/" + m.Name}, "builtin:mutant/" + m.Name, m.Editions, ""},
		{"mutant with --spec", conformOptions{device: "builtin:mutant/" + m.Name, editions: []string{"virtio-1.4"}},
			"builtin:mutant/" + m.Name, nil, ""},
		{"exec", conformOptions{device: "exec:" + prog, args: []string{"-v"}}, "exec:" + prog, nil, ""},
		{"exec of a missing program", conformOptions{device: "exec:" + missing}, "", nil,
			`--device "exec:` + missing + `": cannot start "` + missing + `": no such file or directory`},
		{"exec, a control character in the path", conformOptions{device: "exec:a\x01b"}, "", nil,
			`--device "exec:a\x01b": cannot start "a\x01b"`},
		{"exec of a file of this directory without ./", conformOptions{device: "exec:extblk"}, "", nil,
			`--device "exec:extblk": cannot start "extblk": executable file not found in $PATH (a name without a slash is looked up in $PATH; "exec:./extblk" runs the file in this directory)`},
		{"exec of a name on neither", conformOptions{device: "exec:no-such-device-program"}, "", nil,
			`--device "exec:no-such-device-program": cannot start "no-such-device-program": executable file not found in $PATH`},
		{"exec without a program", conformOptions{device: "exec:"}, "", nil, "--device exec: names no program"},
		{"unknown", conformOptions{device: "builtin:scsi"}, "", nil,
			`--device "builtin:scsi": want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH`},
		{"a program's path without exec:", conformOptions{device: prog}, "", nil,
			`--device "` + prog + `": want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH; did you mean "exec:` + prog + `"? (a program is named exec:PATH)`},
		{"a program of this directory without exec:", conformOptions{device: "extblk"}, "", nil,
			`--device "extblk": want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH; did you mean "exec:./extblk"? (a program is named exec:PATH)`},
		{"a builtin without builtin:", conformOptions{device: "mutant/" + m.Name}, "", nil,
			`--device "mutant/` + m.Name + `": want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH; did you mean "builtin:mutant/` + m.Name + `"?`},
		{"no such mutant", conformOptions{device: "builtin:mutant/nope"}, "", nil,
			`--device "builtin:mutant/nope": no mutant "nope" (migsim conform --list names them)`},
		{"no such mutant, a newline in the value", conformOptions{device: "builtin:mutant/a\nb"}, "", nil,
			`--device "builtin:mutant/a\nb": no mutant "a\nb"`},
		{"arguments of a builtin", conformOptions{device: "builtin:blk", args: []string{"x"}}, "", nil,
			`arguments ["x"]: only an exec: device takes arguments`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, eds, err := parseDevice(tc.o)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), tc.wantErr), "got %v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantName, d.Name())
			assert.Equal(t, tc.wantEds, eds)
		})
	}
}

// FuzzParseDevice reads any --device value, with or without arguments
// after --, as migsim conform does: never a panic; an error names the flag
// (--device, or the arguments) and quotes what it read, on one line
// whatever the value holds; a device that reads is named by its value
// (an exec: device by its program), and only an exec: device takes
// arguments. Nothing is started.
func FuzzParseDevice(f *testing.F) {
	for _, s := range []string{builtinBlk, builtinNet, builtinMutant + mutants.All()[0].Name, builtinMutant, builtinMutant + "nope",
		"exec:", "exec:./examples/extblk/extblk", "exec:/bin/true", "builtin:scsi", "", "exec", "Builtin:blk"} {
		f.Add(s, "")
		f.Add(s, "--verbose")
	}
	f.Fuzz(func(t *testing.T, device, arg string) {
		o := conformOptions{device: device}
		if arg != "" {
			o.args = []string{arg}
		}
		d, _, err := parseDevice(o)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "--device ") && !strings.HasPrefix(msg, "arguments ") {
				t.Fatalf("%q %q: the error names no flag: %v", device, arg, err)
			}
			if i := strings.IndexFunc(msg, func(r rune) bool { return !unicode.IsPrint(r) }); i >= 0 {
				t.Fatalf("%q %q: the error does not quote what it read (%q at %d): %q", device, arg, msg[i:], i, msg)
			}
			return
		}
		require.NotNil(t, d)
		if path, ok := strings.CutPrefix(device, execPrefix); ok {
			require.NotEmpty(t, path)
			assert.Equal(t, device, d.Name())
			return
		}
		assert.Empty(t, o.args, "a builtin device took arguments")
		assert.Equal(t, device, d.Name())
	})
}

// TestDevice_EveryBuiltinIsRecordable: every device --list names can be
// a schedule file's device, so that every counterexample conform writes
// for a builtin device records it.
func TestDevice_EveryBuiltinIsRecordable(t *testing.T) {
	var list strings.Builder
	ListBuiltins(&list)
	names := 0
	for _, l := range strings.Split(strings.TrimSpace(list.String()), "\n") {
		name, _, _ := strings.Cut(l, " ")
		assert.NoError(t, schedfile.CheckDevice(name, nil), "%s", l)
		dev, _, err := parseDevice(conformOptions{device: name})
		if assert.NoError(t, err, name) {
			got, _, ok := conformance.RecordedDevice(dev)
			assert.True(t, ok, name)
			assert.Equal(t, name, got)
		}
		names++
	}
	assert.Equal(t, 2+len(mutants.All()), names)
}
