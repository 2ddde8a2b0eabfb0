// Package junit writes JUnit XML as CI systems read it: testsuites of
// testcases, each passed, failed (a message, a type and the whole text)
// or skipped (why), a suite's properties saying how a run ended.
package junit

import (
	"encoding/xml"
	"io"
	"strings"
)

// Suites is the document: its suites and the totals of their cases.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is one testsuite: its cases, their counts and its properties.
type Suite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Properties []Property `xml:"properties>property,omitempty"`
	Cases      []Case     `xml:"testcase"`
}

// Property is a name and a value of a suite.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Case is one testcase: passed, or with a Failure or Skipped.
type Case struct {
	Classname string   `xml:"classname,attr"`
	Name      string   `xml:"name,attr"`
	Time      string   `xml:"time,attr,omitempty"`
	Failure   *Failure `xml:"failure,omitempty"`
	Skipped   *Skipped `xml:"skipped,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Failure is a failed case's message (one line), type and whole text.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// NewFailure is the failure of a case that failed for each of texts (at
// least one), of type typ: its message is the first line of the first
// text, as a CI system shows it in one line, and its text all of them,
// one after another.
func NewFailure(typ string, texts []string) *Failure {
	first, _, _ := strings.Cut(texts[0], "\n")
	return &Failure{Message: first, Type: typ, Text: strings.Join(texts, "\n")}
}

// Skipped says why a case was skipped.
type Skipped struct {
	Message string `xml:"message,attr"`
}

// Add appends c to the suite and counts it.
func (s *Suite) Add(c Case) {
	s.Cases = append(s.Cases, c)
	s.Tests++
	if c.Failure != nil {
		s.Failures++
	}
	if c.Skipped != nil {
		s.Skipped++
	}
}

// Add appends s to the document and adds its counts to the totals.
func (a *Suites) Add(s Suite) {
	a.Suites = append(a.Suites, s)
	a.Tests += s.Tests
	a.Failures += s.Failures
	a.Skipped += s.Skipped
}

// Write writes the document: the XML header, the suites indented by two
// spaces, a final newline.
func Write(w io.Writer, a Suites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(a); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
