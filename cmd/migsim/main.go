// Command migsim simulates virtio live migration driven by admin commands.
// Run `migsim help` for the subcommands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/migsim/migsim/internal/cmdbase"
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
	if writeErr == nil || (code != cmdbase.ExitOK && code != cmdbase.ExitFinding) {
		return code
	}
	fmt.Fprintf(stderr, "migsim: write stdout: %v\n", writeErr)
	return cmdbase.ExitUnwritten
}

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
		return cmdbase.ExitUsage
	}
	if args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return cmdbase.ExitOK
	}
	if args[0] == "help" {
		return help(args[1:], stdin, stdout, stderr)
	}
	if args[0] == "--version" {
		args[0] = "version"
	}
	c, ok := commands[args[0]]
	if !ok {
		hint, ok := otherCommand[args[0]]
		if !ok {
			hint = didYouMean(args[0], commandNames())
		}
		fmt.Fprintf(stderr, "migsim: unknown command %q%s\n\n", args[0], hint)
		usage(stderr)
		return cmdbase.ExitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

// otherCommand points a word a new user tries as a command, and that is
// another command's flag, to that command.
var otherCommand = map[string]string{
	"list":      "; the catalog's scenarios: migsim run --list",
	"scenarios": "; the catalog's scenarios: migsim run --list",
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
