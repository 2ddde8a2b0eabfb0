// Command migsim simulates virtio live migration driven by admin commands.
// Run `migsim help` for the subcommands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// Exit codes shared by every subcommand (migsim help exit): 130 is an
// interrupted run.
const (
	exitOK      = 0
	exitFinding = 1 // a finding, a mismatched verdict, a diverging replay, an incompatibility
	exitUsage   = 2 // a usage or input error
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
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "help" {
		return help(args[1:], stdin, stdout, stderr)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "migsim: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: migsim <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'migsim <command> --help' for a command's flags, 'migsim help flags' for every")
	fmt.Fprintln(w, "command's, 'migsim help exit' for the exit codes.")
}
