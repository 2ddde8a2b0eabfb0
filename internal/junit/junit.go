// Package junit writes JUnit XML as CI systems read it: testsuites of
// testcases, each passed, failed (a message, a type and the whole text),
// errored (the case could not be judged: same shape) or skipped (why), a
// suite's properties saying how a run ended.
//
// The document fits the strict schemas CI tools check against (the JUnit
// schema of Jenkins and Maven Surefire): every testsuite has name, tests,
// failures, errors, skipped and time; every testcase has a time; a suite
// without properties has no properties element. A time is in seconds with
// three decimals; a suite's is the sum of its cases' (each rounded to the
// millisecond first, so that the sum is exactly what the cases show), the
// document's the sum of its suites'.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Suites is the document: its suites and the totals of their cases.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []Suite  `xml:"testsuite"`

	elapsed time.Duration
}

// Suite is one testsuite: its cases, their counts, their total time and
// its properties (nil for none: the element is then left out).
type Suite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Properties *Properties `xml:"properties,omitempty"`
	Cases      []Case      `xml:"testcase"`

	elapsed time.Duration
}

// Properties are a suite's properties element.
type Properties struct {
	List []Property `xml:"property"`
}

// Props is the properties element of ps, nil when ps is empty.
func Props(ps ...Property) *Properties {
	if len(ps) == 0 {
		return nil
	}
	return &Properties{List: ps}
}

// Property is a name and a value of a suite.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Case is one testcase: passed, or with a Failure, an Error or Skipped.
// Elapsed is its time (zero for a case that measured none); Add writes
// it to Time.
type Case struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Elapsed   time.Duration `xml:"-"`
	Failure   *Failure      `xml:"failure,omitempty"`
	Error     *Failure      `xml:"error,omitempty"`
	Skipped   *Skipped      `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// Failure is a failed or errored case's message (one line), type and
// whole text.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// NewFailure is the failure of a case that failed for each of texts, of
// type typ: its message is the first line of the first text, as a CI
// system shows it in one line, and its text all of them, one after
// another. Without a text the case still fails: its message is typ.
func NewFailure(typ string, texts []string) *Failure {
	if len(texts) == 0 {
		return &Failure{Message: typ, Type: typ}
	}
	first, _, _ := strings.Cut(texts[0], "\n")
	return &Failure{Message: first, Type: typ, Text: strings.Join(texts, "\n")}
}

// Skipped says why a case was skipped.
type Skipped struct {
	Message string `xml:"message,attr"`
}

// Errored is the document of a run that could not start: one suite with
// one testcase, classname the suite's name, that is an error of type typ
// (not a failure: nothing was judged), whose message is what followed by
// the problem's first line and whose text is the whole problem. A CI
// system then shows why the run judged nothing.
func Errored(doc, suite, name, typ, what string, problem error) Suites {
	first, _, _ := strings.Cut(problem.Error(), "\n")
	s := Suite{Name: suite}
	s.Add(Case{Classname: suite, Name: name, Error: &Failure{Message: what + first, Type: typ, Text: problem.Error()}})
	all := Suites{Name: doc}
	all.Add(s)
	return all
}

// seconds renders d, already rounded to the millisecond, as JUnit's time.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// Add appends c to the suite, counts it and adds its time (rounded to
// the millisecond) to the suite's.
func (s *Suite) Add(c Case) {
	d := c.Elapsed.Round(time.Millisecond)
	c.Time = seconds(d)
	s.Cases = append(s.Cases, c)
	s.Tests++
	switch {
	case c.Failure != nil:
		s.Failures++
	case c.Error != nil:
		s.Errors++
	case c.Skipped != nil:
		s.Skipped++
	}
	s.elapsed += d
	s.Time = seconds(s.elapsed)
}

// Add appends s to the document and adds its counts and time to the
// totals.
func (a *Suites) Add(s Suite) {
	if s.Time == "" {
		s.Time = seconds(s.elapsed)
	}
	a.Suites = append(a.Suites, s)
	a.Tests += s.Tests
	a.Failures += s.Failures
	a.Errors += s.Errors
	a.Skipped += s.Skipped
	a.elapsed += s.elapsed
	a.Time = seconds(a.elapsed)
}

// Write writes the document: the XML header, the suites indented by two
// spaces, a final newline. A document with no suite still has its time.
func Write(w io.Writer, a Suites) error {
	if a.Time == "" {
		a.Time = seconds(a.elapsed)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(a); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	return nil
}
