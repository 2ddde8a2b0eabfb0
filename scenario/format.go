package scenario

import (
	"fmt"
	"strings"
)

// Format renders the scenario in canonical form. Parsing the output gives
// back an equal scenario (apart from File, Source, SourceHash and
// positions; see Equal), so scenarios print and parse losslessly.
func (s *Scenario) Format() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s\n", s.Name)
	if s.Question != 0 {
		fmt.Fprintf(&b, "question %d\n", s.Question)
	}
	if s.Title != "" {
		fmt.Fprintf(&b, "title %s\n", s.Title)
	}
	for _, e := range s.Explain {
		fmt.Fprintf(&b, "explain %s\n", e)
	}
	if len(s.Requirements) > 0 {
		fmt.Fprintf(&b, "requirements %s\n", joinWords(s.Requirements))
	}
	fmt.Fprintf(&b, "vfs %d\nqueues %d\n", s.VFs, s.Queues)
	if len(s.Settings) > 0 {
		fmt.Fprintf(&b, "set %s\n", joinArgs(s.Settings))
	}
	for _, a := range s.Actors {
		b.WriteString("\n")
		b.WriteString(a.Kind.String())
		if a.Kind != ActorHypervisor {
			b.WriteString(" " + a.Name)
		}
		if a.Edition != 0 {
			b.WriteString(" edition=" + a.Edition.String())
		}
		if len(a.Args) > 0 {
			b.WriteString(" " + joinArgs(a.Args))
		}
		b.WriteString("\n")
		for _, op := range a.Ops {
			b.WriteString("  " + op.Verb)
			if len(op.Args) > 0 {
				b.WriteString(" " + joinArgs(op.Args))
			}
			b.WriteString("\n")
		}
	}
	if len(s.Expect) > 0 {
		b.WriteString("\n")
	}
	for _, e := range s.Expect {
		b.WriteString("expect " + e.Edition.String())
		for _, k := range e.Knobs {
			b.WriteString(" " + k)
		}
		for _, a := range e.Settings {
			b.WriteString(" set:" + a.Key + "=" + quoteWord(a.Value))
		}
		if e.Proof > 0 {
			fmt.Fprintf(&b, " proof=%d", e.Proof)
		}
		if e.ProofBound > 0 {
			fmt.Fprintf(&b, " proof-bound=%d", e.ProofBound)
		}
		b.WriteString(" " + e.Verdict.String())
		if e.Oracle != "" {
			b.WriteString(" " + quoteWord(e.Oracle))
		}
		if e.Note != "" {
			b.WriteString(" -- " + joinWords(strings.Split(e.Note, " ")))
		}
		b.WriteString("\n")
	}
	for _, x := range s.Explore {
		b.WriteString("explore")
		if x.Edition != 0 {
			b.WriteString(" edition=" + x.Edition.String())
		}
		fmt.Fprintf(&b, " strategy=%s schedules=%d", x.Strategy, x.Schedules)
		switch x.Strategy {
		case "dfs":
			fmt.Fprintf(&b, " bound=%d", x.Bound)
		case "pct":
			fmt.Fprintf(&b, " depth=%d", x.Depth)
		}
		fmt.Fprintf(&b, " seed=%d", x.Seed)
		if x.Reduction != "" {
			b.WriteString(" reduction=" + x.Reduction)
		}
		if x.Strategy != "dfs" && x.Proof != DefaultProofRuns {
			fmt.Fprintf(&b, " proof=%d", x.Proof)
		}
		if x.Strategy != "dfs" && x.ProofBound != 0 && x.ProofBound != DefaultProofBound {
			fmt.Fprintf(&b, " proof-bound=%d", x.ProofBound)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// joinWords joins words with spaces, quoting those that need it.
func joinWords(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = quoteWord(w)
	}
	return strings.Join(parts, " ")
}

func joinArgs(args []Arg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.String()
	}
	return strings.Join(parts, " ")
}
