package main

import (
	"github.com/migsim/migsim/internal/cmdbase"

	"bytes"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// exitCodesText documents the exit codes the commands share; each
// command's --help says when it uses which.
const exitCodesText = `exit codes (each command's --help says when it uses which):
  0    ok: no finding, every verdict matched, the output was written
  1    a finding or a mismatch: a violation (explore, replay, conform,
       merge, gen), a verdict that differs from its expectation (run), a
       pass no search proved (run --require-proof: UNPROVED), a replay
       that diverges (replay --spec, --knob or --set never diverges: it
       exits 1 when its run has a finding, wherever the run departed
       from the schedule), an incompatible pair (compat). trace and report
       exit 0 on a finding, since writing its trace or report is their job:
       1 there is a schedule that diverges or a device that breaks the
       protocol after its handshake. bench exits 1 only when a run fails;
       decode, oracles and spec never exit 1
  2    a usage or input error: a bad flag or value, a scenario or schedule
       that does not load (file:line:col), a value outside its limit, an
       exec: device program that cannot be started or breaks the protocol
       in its handshake (no device of the protocol: nothing judged); or
       output that cannot be written: any command whose stdout cannot
       be written (a full disk) exits 2, never 0 or 1, with the error on
       stderr, whatever it found; so does a file a command cannot write,
       the error naming its path (explore, merge, gen, trace and report
       --out, run --write-regress, --report-dir and --report FORMAT=FILE,
       conform --report FORMAT=FILE, --replay-dir and --transcript,
       --cpuprofile; run and conform then say on stderr when a mismatch
       or a failed unit would have exited 1)
  130  interrupted (SIGINT or SIGTERM: run, explore, merge, conform and
       report stop, print what they have and exit 130; so does replay
       --explain or --slice; trace and replay with an exec: device stop
       the request in progress)
`

// help implements `migsim help [COMMAND|flags|exit]`.
func help(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return cmdbase.ExitOK
	}
	// `help bench vfs` is a subcommand's usage; any other word after the
	// topic is refused, not ignored: `help run x` would otherwise answer
	// a question the user did not ask.
	if len(args) > 1 {
		topic, extra := args[0], args[1]
		if slices.Contains(subcommands[args[0]], args[1]) {
			if len(args) == 2 {
				return commands[args[0]].run([]string{args[1], "--help"}, stdin, stdout, stdout)
			}
			topic, extra = args[0]+" "+args[1], args[2]
		}
		fmt.Fprintf(stderr, "migsim help: unexpected argument %q after %q (help takes one topic: a command, flags or exit)\n", extra, topic)
		return cmdbase.ExitUsage
	}
	switch args[0] {
	case "flags":
		return helpFlags(stdout)
	case "exit":
		fmt.Fprint(stdout, exitCodesText)
		return cmdbase.ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "migsim help: unknown topic %q (want a command, flags or exit)%s\n", args[0],
			didYouMean(args[0], append(commandNames(), "flags", "exit")))
		return cmdbase.ExitUsage
	}
	return c.run([]string{"--help"}, stdin, stdout, stdout)
}

// subcommands are the commands' own subcommands, whose flags help flags
// lists after the command's: `bench vfs`.
var subcommands = map[string][]string{"bench": {"vfs"}}

// helpFlags prints every flag of every command and subcommand, as each
// one's --help lists them: the list is complete by construction.
func helpFlags(stdout io.Writer) int {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	first := true
	section := func(name string, args []string) {
		var out bytes.Buffer
		commands[args[0]].run(append(args[1:], "--help"), strings.NewReader(""), &out, &out)
		if !first {
			fmt.Fprintln(stdout)
		}
		first = false
		fmt.Fprintf(stdout, "migsim %s\n", name)
		for _, line := range strings.Split(out.String(), "\n") {
			// pflag's PrintDefaults: six spaces, then the flag.
			if strings.HasPrefix(line, "      --") {
				fmt.Fprintln(stdout, line)
			}
		}
	}
	for _, n := range names {
		section(n, []string{n})
		for _, sub := range subcommands[n] {
			section(n+" "+sub, []string{n, sub})
		}
	}
	return cmdbase.ExitOK
}
