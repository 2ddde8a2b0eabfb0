package conformance

import (
	"io"
	"strings"

	"github.com/migsim/migsim/internal/junit"
)

// WriteJUnit writes the report as JUnit XML, as CI systems read it: a
// testsuite of requirements (one testcase per requirement of the spec
// catalog, and a failed "(none)" testcase of the failures that charge no
// requirement when there are some: uncharged.go), one of device tests and
// one of catalog rows. A failure's
// message is its first line, its text the whole failure with the replay
// command; a device test whose set-up failed is an <error> of type "test
// set-up" (it did not reach its assertions); a skipped testcase says why, and so does a warned one (its
// failures break only SHOULD statements). A run that ended early says how in
// every suite's properties: "stopped" (the device broke the protocol) or
// "interrupted"; a suite of a run that did not has no properties. A device
// test's or row's time is the wall-clock time the kit spent on it; a
// requirement's is 0, since it is a verdict over those units, which ran no
// time of their own (a suite's time sums its cases': junit).
func (r *Report) WriteJUnit(w io.Writer) error {
	reqs := junit.Suite{Name: "requirements"}
	for _, q := range r.Requirements {
		c := junit.Case{Classname: "requirements", Name: q.ID, SystemOut: q.Text}
		switch q.Verdict {
		case verdictFail:
			c.Failure = junitFailure(q.Failures)
		case verdictWarn:
			c.Skipped = junitWarning(q.Failures)
		case verdictSkip:
			c.Skipped = &junit.Skipped{Message: q.Why}
		case verdictNotCovered, verdictNotExer:
			c.Skipped = &junit.Skipped{Message: q.Verdict + ": " + q.Why}
		}
		reqs.Add(c)
	}
	if c := r.junitUncharged(); c != nil {
		reqs.Add(*c)
	}
	dev, rows := junit.Suite{Name: "device-tests"}, junit.Suite{Name: "rows"}
	for _, u := range r.Units {
		c := junit.Case{Classname: u.Kind, Name: u.Name, SystemOut: u.Explored, Elapsed: u.elapsed}
		switch u.Verdict {
		case verdictFail:
			c.Failure = junitFailure(u.Failures)
		case verdictSetUp:
			// The test could not run to what it judges: an error, as
			// JUnit has a test that did not get to its assertions.
			c.Error = junitFailure(u.Failures)
		case verdictWarn:
			c.Skipped = junitWarning(u.Failures)
		case verdictSkip:
			c.Skipped = &junit.Skipped{Message: u.Reason}
		}
		if u.Kind == kindDevice {
			dev.Add(c)
		} else {
			rows.Add(c)
		}
	}
	all := junit.Suites{Name: "migsim conform " + r.shownDevice()}
	var props []junit.Property
	if r.Stopped != "" {
		props = append(props, junit.Property{Name: "stopped", Value: r.Stopped})
	}
	if r.Interrupted != "" {
		props = append(props, junit.Property{Name: "interrupted", Value: r.Interrupted})
	}
	for _, s := range []junit.Suite{reqs, dev, rows} {
		if s.Tests > 0 {
			s.Properties = junit.Props(props...)
			all.Add(s)
		}
	}
	return junit.Write(w, all)
}

// junitWarning is how JUnit, which has no warnings, shows failures that
// break only SHOULD statements (verdict warn): a skipped testcase whose
// message says so and quotes the first failure.
func junitWarning(fs []Failure) *junit.Skipped {
	return &junit.Skipped{Message: "warning: SHOULD not followed: " + strings.SplitN(fs[0].String(), "\n", 2)[0]}
}

// junitFailure is the JUnit failure of failures (at least one), of the
// first one's check.
func junitFailure(fs []Failure) *junit.Failure {
	var text []string
	for _, f := range fs {
		text = append(text, f.String())
	}
	return junit.NewFailure(fs[0].Check, text)
}
