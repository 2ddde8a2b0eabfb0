package conformance

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML, as CI systems read it: a testsuite of requirements (one
// testcase per requirement of the spec catalog), one of device tests and
// one of catalog rows. A failure's message is its first line, its text
// the whole failure with the replay command; a skipped testcase says why.
// A run that ended early says how in every suite's properties.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

// junitProperty says how the run ended when it ended early: "stopped"
// (the device broke the protocol) or "interrupted".
type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML.
func (r *Report) WriteJUnit(w io.Writer) error {
	reqs := junitSuite{Name: "requirements"}
	for _, q := range r.Requirements {
		c := junitCase{Classname: "requirements", Name: q.ID, SystemOut: q.Text}
		switch q.Verdict {
		case verdictFail:
			var text []string
			for _, f := range q.Failures {
				text = append(text, f.String())
			}
			c.Failure = &junitFailure{Message: firstLine(q.Failures[0].String()), Type: q.Failures[0].Check, Text: strings.Join(text, "\n")}
		case verdictSkip:
			c.Skipped = &junitSkipped{Message: q.Why}
		case verdictNotCovered:
			c.Skipped = &junitSkipped{Message: "not covered: " + q.Why}
		}
		reqs.add(c)
	}
	dev, rows := junitSuite{Name: "device-tests"}, junitSuite{Name: "rows"}
	for _, u := range r.Units {
		c := junitCase{Classname: u.Kind, Name: u.Name, SystemOut: u.Explored}
		if u.elapsed > 0 {
			c.Time = fmt.Sprintf("%.3f", u.elapsed.Seconds())
		}
		switch u.Verdict {
		case verdictFail:
			var text []string
			for _, f := range u.Failures {
				text = append(text, f.String())
			}
			c.Failure = &junitFailure{Message: firstLine(u.Failures[0].String()), Type: u.Failures[0].Check, Text: strings.Join(text, "\n")}
		case verdictSkip:
			c.Skipped = &junitSkipped{Message: u.Reason}
		}
		if u.Kind == kindDevice {
			dev.add(c)
		} else {
			rows.add(c)
		}
	}
	all := junitSuites{Name: "migsim conform " + r.Device}
	var props []junitProperty
	if r.Stopped != "" {
		props = append(props, junitProperty{"stopped", r.Stopped})
	}
	if r.Interrupted != "" {
		props = append(props, junitProperty{"interrupted", r.Interrupted})
	}
	for _, s := range []junitSuite{reqs, dev, rows} {
		if s.Tests == 0 {
			continue
		}
		s.Properties = props
		all.Suites = append(all.Suites, s)
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (s *junitSuite) add(c junitCase) {
	s.Cases = append(s.Cases, c)
	s.Tests++
	if c.Failure != nil {
		s.Failures++
	}
	if c.Skipped != nil {
		s.Skipped++
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
