package scenario

// resumes checks the verbs of a block that run in parts (VerbSpec.Resume):
// an operation that goes on from a point (`probe from=features-ok`) must
// follow an operation of the same verb in the same block that stopped at
// that point (`probe until=features-ok`); otherwise it would continue a
// part that never ran, and the run would judge a driver started in the
// middle. Operations whose arguments do not bind are reported elsewhere
// and skipped here; one that does not bind leaves the verb's chain unknown
// until the next operation of the verb that starts afresh.
func (c *checker) resumes(p *Program, tables []VerbTable) {
	type stop struct {
		point string // where the last part stopped ("" at its Until default: done)
		line  int
		known bool
	}
	last := map[string]*stop{}
	for _, op := range p.Ops {
		verb := resumable(tables, op.Verb)
		if verb == nil {
			continue
		}
		vals, probs := bindVerb(verb, op, c.ctx)
		st := last[op.Verb]
		if st == nil {
			st = &stop{known: true}
			last[op.Verb] = st
		}
		if len(probs) > 0 {
			st.known = false
			continue
		}
		r := verb.Resume
		if vals.Given(r.From) && vals.Str(r.From) != defaultOf(verb, r.From) && st.known {
			from, at := vals.Str(r.From), argPos(op, r.From) // at the from= the error is about
			switch {
			case st.point == "" && st.line == 0:
				c.addf(at, "%s: %s=%s without an earlier %s %s=%s in this block: there is no part to go on from",
					op.Verb, r.From, from, op.Verb, r.Until, from)
			case st.point == "":
				c.addf(at, "%s: %s=%s, but the %s at line %d ran to the end: there is no part to go on from (want %s %s=%s there)",
					op.Verb, r.From, from, op.Verb, st.line, op.Verb, r.Until, from)
			case st.point != from:
				c.addf(at, "%s: %s=%s, but the %s at line %d stopped at %s (want %s=%s)",
					op.Verb, r.From, from, op.Verb, st.line, st.point, r.From, st.point)
			}
		}
		st.known, st.line, st.point = true, op.Line, ""
		if u := vals.Str(r.Until); u != defaultOf(verb, r.Until) {
			st.point = u
		}
	}
}

// resumable returns the first verb named name in tables that runs in
// parts, or nil.
func resumable(tables []VerbTable, name string) *VerbSpec {
	for _, t := range tables {
		for _, v := range t.Lookup(name, 0) {
			if v.Resume != nil {
				return v
			}
		}
	}
	return nil
}

// defaultOf returns the default of the verb's argument name.
func defaultOf(v *VerbSpec, name string) string {
	for i := range v.Args {
		if v.Args[i].Name == name {
			return v.Args[i].Default
		}
	}
	return ""
}
