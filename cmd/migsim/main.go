// Command migsim simulates virtio live migration driven by admin commands.
// Run `migsim help` for the subcommands.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/buildinfo"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/writecheck"
	"github.com/migsim/migsim/scenario"
)

func main() {
	os.Exit(runChecked(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// runChecked runs a command as main does: its stdout wrapped to keep the
// first write error (writecheck), and its exit status finished with it.
func runChecked(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := writecheck.New(stdout)
	return finish(run(args, stdin, out, stderr), out.Err(), stderr)
}

// finish is the exit status of a command that returned code, writeErr the
// first error a write to stdout returned: a command whose output was not
// written exits 2, an error (migsim help exit), whether it found
// something (1) or not (0): a batch system that takes 1 for a finding
// must not take a lost report for one. A usage error or an interrupted
// run keeps its status (its own message said why).
func finish(code int, writeErr error, stderr io.Writer) int {
	if writeErr == nil || (code != exitOK && code != exitFinding) {
		return code
	}
	fmt.Fprintf(stderr, "migsim: write stdout: %v\n", writeErr)
	return exitUnwritten
}

// Exit codes shared by every subcommand (migsim help exit): 130 is an
// interrupted run.
const (
	exitOK      = 0
	exitFinding = 1 // a finding, a mismatched verdict, a diverging replay, an incompatibility
	exitUsage   = 2 // a usage or input error
	// exitUnwritten is the status of a command whose output could not be
	// written (a full disk): an error, as a usage or input error is, and
	// never a finding.
	exitUnwritten = 2
)

// command is one subcommand. Each lives in its own cmd_<name>.go file and
// registers itself in init, with its own pflag FlagSet inside run.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("migsim: duplicate command " + c.name)
	}
	commands[c.name] = c
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 { // a usage error: the usage goes where errors go
		usage(stderr)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return exitOK
	}
	if args[0] == "help" {
		return help(args[1:], stdin, stdout, stderr)
	}
	if args[0] == "--version" {
		args[0] = "version"
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "migsim: unknown command %q%s\n\n", args[0], didYouMean(args[0], commandNames()))
		usage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

// commandNames lists the commands, sorted.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// didYouMean is "; did you mean NAME?" for the option nearest to got
// (scenario.Suggest), or "".
func didYouMean(got string, options []string) string {
	if near := scenario.Suggest(got, options); near != "" {
		return "; did you mean " + near + "?"
	}
	return ""
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: migsim <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'migsim <command> --help' for a command's flags, 'migsim help flags' for every")
	fmt.Fprintln(w, "command's, 'migsim help exit' for the exit codes, 'migsim --version' for the version,")
	fmt.Fprintln(w, "'migsim run --list' for the catalog's scenarios.")
}

func init() {
	register(command{name: "version", summary: "print migsim's version and build identity: module version, VCS revision, Go version (also --version)", run: runVersion})
}

const versionUsage = `usage: migsim version [--format text|json] (or migsim --version)

Prints the module version, the VCS revision and the Go version the binary
was built from (runtime/debug.ReadBuildInfo; "devel" for a build without a
module version: go build or go run in the source tree), then the revision
in full and whether the tree was modified, the executable's SHA-256 (its
first 16 hex digits) when the build is not VCS-stamped or its tree was
modified, and the build identity that shard summaries record and migsim
merge compares (docs/scale.md). --format json prints the same as one JSON
document: version, revision, modified, go, sha256, build.
`

// runVersion implements `migsim version` and `migsim --version`.
func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("version", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprint(stdout, versionUsage+"\nflags:\n")
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageError(stderr, "version", "%v", err)
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "version", "unexpected arguments %q", fs.Args())
	}
	if *format != "text" && *format != "json" {
		return usageError(stderr, "version", "--format %q: want text or json", *format)
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	d := buildinfo.Describe(bi, buildinfo.Running())
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			fmt.Fprintf(stderr, "migsim version: write: %v\n", err)
			return exitUnwritten
		}
		return exitOK
	}
	fmt.Fprintln(stdout, buildinfo.Text(bi))
	fmt.Fprint(stdout, d.Lines())
	return exitOK
}

// outputFileError reports whether err is the file system refusing a file
// the command writes under dir (its --out, --report-dir or --regress-dir;
// "" for any path): a path it cannot create, open, write or rename into
// place (*fs.PathError, *os.LinkError, which name the path). Such an error is
// an input error, exit 2, never 1 (a finding): the README's exit codes.
// A path outside dir is left to the caller: an exec device's pipe fails
// with a *fs.PathError too, and that is the device's failure.
func outputFileError(err error, dir string) bool {
	var pe *fs.PathError
	var le *os.LinkError
	var path string
	switch {
	case errors.As(err, &pe):
		path = pe.Path
	case errors.As(err, &le):
		path = le.New
	default:
		return false
	}
	if dir == "" {
		return true
	}
	within := func(p, d string) bool {
		rel, err := filepath.Rel(d, p)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	// A file under dir, or dir itself or a directory on the way to it
	// (os.MkdirAll).
	return within(filepath.Clean(path), filepath.Clean(dir)) || within(filepath.Clean(dir), filepath.Clean(path))
}
