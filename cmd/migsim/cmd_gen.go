package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/scenario/gen"
)

func init() {
	register(command{
		name:    "gen",
		summary: "generate random valid scenarios (and check their metamorphic properties)",
		run:     runGen,
	})
}

const genUsage = `usage: migsim gen [--seed S] [--count N] [--out DIR] [--check]
                  [--max-vfs N] [--max-queues N] [--max-ops N] [--max-schedules N]

Generates scenarios from the scenario language's grammar and the world's
vocabulary: guests with block or net workloads, a peer, hypervisor flows made of the
edition's verbs, settings, knobs and a small exploration budget. Scenario i
comes from seed S+i and is the same on every machine. Without --out they are
printed to stdout; with --out each is written to DIR/gen-SEED.scn.

The expect lines (pass) are placeholders, not predictions, as a comment in
each scenario says: 'migsim run' reports MISMATCH for flows that fail by
design (e.g. a dst-caps the flow does not allow for). To keep a scenario as
a test, judge each verdict got and write it on its expect line.

--check runs the metamorphic properties on each (the print parses back; the
run without migration passes transparent against itself; verdicts are the
same with 1 and 2 jobs; a finding's schedule replays; with the vCPUs halted
a plain migration passes in both editions) and prints the first scenario
that breaks one, reduced to what still breaks it.

Exit 0 when every scenario was written (and passed), 1 when one breaks a
property, 2 on a usage error.

flags:
`

// maxGenCount bounds --count.
const maxGenCount = 100_000

// runGen implements `migsim gen`.
func runGen(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("gen", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	seed := cliflag.Uint64(fs, "seed", 1, "seed of the first scenario")
	count := fs.Int("count", 1, "scenarios to generate")
	out := fs.String("out", "", "directory to write gen-SEED.scn files into (default: stdout)")
	check := fs.Bool("check", false, "check the metamorphic properties of every scenario")
	var cfg gen.Config
	fs.IntVar(&cfg.MaxVFs, "max-vfs", gen.DefaultConfig.MaxVFs, "most VFs of a scenario")
	fs.IntVar(&cfg.MaxQueues, "max-queues", gen.DefaultConfig.MaxQueues, "most queues per VF (of virtio-net VFs: queue pairs)")
	fs.IntVar(&cfg.MaxOps, "max-ops", gen.DefaultConfig.MaxOps, "most workload operations of a guest")
	fs.IntVar(&cfg.MaxSchedules, "max-schedules", gen.DefaultConfig.MaxSchedules, "most schedules of the exploration budget")
	fs.Usage = func() {
		fmt.Fprint(stdout, genUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "gen", "%v", cliflag.Error(err, genLimits...))
	}
	if fs.NArg() > 0 {
		return cmdbase.UsageError(stderr, "gen", "unexpected arguments %q", fs.Args())
	}
	if err := cliflag.CheckInts(fs, genLimits...); err != nil {
		return cmdbase.UsageError(stderr, "gen", "%v", err)
	}
	if err := cliflag.EmptyPaths(fs, "out"); err != nil {
		return cmdbase.UsageError(stderr, "gen", "%v", err)
	}
	if *out != "" {
		if err := cliflag.CheckOutputDir(*out); err != nil {
			return cmdbase.UsageError(stderr, "gen", "--out: %v", err)
		}
	}
	v := catalog.Vocabulary()
	for i := 0; i < *count; i++ {
		s := gen.Generate(*seed+uint64(i), v, cfg)
		text := gen.Text(s)
		if *out == "" {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprint(stdout, text)
		} else {
			p := filepath.Join(*out, s.Name+".scn")
			if err := os.MkdirAll(*out, keepfile.DirPerm); err != nil {
				fmt.Fprintf(stderr, "migsim gen: %v\n", err)
				return cmdbase.ExitUsage
			}
			if err := os.WriteFile(p, []byte(text), keepfile.Perm); err != nil {
				fmt.Fprintf(stderr, "migsim gen: %v\n", err)
				return cmdbase.ExitUsage
			}
			fmt.Fprintf(stdout, "wrote %s\n", p)
		}
		if !*check {
			continue
		}
		name := s.File
		if *out != "" {
			name = filepath.Join(*out, s.Name+".scn")
		}
		s, err := checkWritten(name, text)
		if err != nil {
			fmt.Fprintf(stderr, "migsim gen: %s\n", usererr.Text(err))
			var pe *catalog.PropertyError
			if errors.As(err, &pe) && s != nil {
				r := gen.Reduce(s, func(c *scenario.Scenario) bool {
					return catalog.CheckScenario(c) == nil && catalog.IsProperty(catalog.CheckGenerated(context.Background(), c, 2), pe.Property)
				})
				fmt.Fprintf(stderr, "reduced:\n%s", gen.Text(r))
			}
			return cmdbase.ExitFinding
		}
	}
	if *check {
		fmt.Fprintf(stderr, "migsim gen: %s from seed %d: every property holds\n", plural.Count(*count, "scenario"), *seed)
	}
	return cmdbase.ExitOK
}

// checkWritten checks the metamorphic properties of a generated scenario
// on the scenario parsed from text, the text written as file name, so a
// position in a message is a line of what the user reads, not of the
// generator's unnumbered scenario. It returns the parsed scenario (nil
// when the text does not parse).
func checkWritten(name, text string) (*scenario.Scenario, error) {
	s, err := scenario.ParseScenario(name, []byte(text))
	if err != nil {
		return nil, fmt.Errorf("%s: property parse-print: the written text does not parse: %w", name, err)
	}
	return s, catalog.CheckGenerated(context.Background(), s, 2)
}
