package junit_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/junit"
)

// TestWrite: cases are counted per suite and in the totals, times are
// summed from the cases' times rounded to the millisecond, a suite without
// properties has no properties element, and the document is the XML
// header, the suites indented by two spaces and a final newline.
func TestWrite(t *testing.T) {
	s := junit.Suite{Name: "rows", Properties: junit.Props(junit.Property{Name: "interrupted", Value: "yes"})}
	for _, c := range []junit.Case{
		{Classname: "row", Name: "a", Elapsed: 1500 * time.Microsecond},
		{Classname: "row", Name: "b", Elapsed: 2 * time.Second, Failure: &junit.Failure{Message: "broke", Type: "oracle", Text: "broke\nat step 3"}},
		{Classname: "row", Name: "c", Skipped: &junit.Skipped{Message: "not here"}},
		{Classname: "row", Name: "d", Elapsed: 499 * time.Microsecond, Error: &junit.Failure{Message: "cannot start", Type: "device"}},
	} {
		s.Add(c)
	}
	other := junit.Suite{Name: "more", Properties: junit.Props()}
	other.Add(junit.Case{Classname: "more", Name: "e", Elapsed: time.Second})
	all := junit.Suites{Name: "kit"}
	all.Add(s)
	all.Add(other)
	var b bytes.Buffer
	require.NoError(t, junit.Write(&b, all))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="kit" tests="5" failures="1" errors="1" skipped="1" time="3.002">
  <testsuite name="rows" tests="4" failures="1" errors="1" skipped="1" time="2.002">
    <properties>
      <property name="interrupted" value="yes"></property>
    </properties>
    <testcase classname="row" name="a" time="0.002"></testcase>
    <testcase classname="row" name="b" time="2.000">
      <failure message="broke" type="oracle">broke&#xA;at step 3</failure>
    </testcase>
    <testcase classname="row" name="c" time="0.000">
      <skipped message="not here"></skipped>
    </testcase>
    <testcase classname="row" name="d" time="0.000">
      <error message="cannot start" type="device"></error>
    </testcase>
  </testsuite>
  <testsuite name="more" tests="1" failures="0" errors="0" skipped="0" time="1.000">
    <testcase classname="more" name="e" time="1.000"></testcase>
  </testsuite>
</testsuites>
`, b.String())
}

// TestWrite_strictAttributes: whatever the cases, every testsuite carries
// the attributes a strict JUnit schema requires (name, tests, failures,
// errors) and the time many tools expect, every testcase a time, and the
// counts are those of the elements; no properties element is empty.
func TestWrite_strictAttributes(t *testing.T) {
	type xcase struct {
		Time    *string   `xml:"time,attr"`
		Failure *struct{} `xml:"failure"`
		Error   *struct{} `xml:"error"`
		Skipped *struct{} `xml:"skipped"`
	}
	type xsuite struct {
		Name       *string `xml:"name,attr"`
		Tests      *string `xml:"tests,attr"`
		Failures   *string `xml:"failures,attr"`
		Errors     *string `xml:"errors,attr"`
		Skipped    *string `xml:"skipped,attr"`
		Time       *string `xml:"time,attr"`
		Properties *struct {
			List []struct{} `xml:"property"`
		} `xml:"properties"`
		Cases []xcase `xml:"testcase"`
	}
	cases := []struct {
		name  string
		cases []junit.Case
	}{
		{"empty suite", nil},
		{"one pass", []junit.Case{{Name: "a"}}},
		{"mixed", []junit.Case{{Name: "a"}, {Name: "b", Failure: &junit.Failure{}}, {Name: "c", Error: &junit.Failure{}}, {Name: "d", Skipped: &junit.Skipped{}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := junit.Suite{Name: "s"}
			for _, k := range c.cases {
				s.Add(k)
			}
			all := junit.Suites{Name: "doc"}
			all.Add(s)
			var b bytes.Buffer
			require.NoError(t, junit.Write(&b, all))
			var doc struct {
				Suites []xsuite `xml:"testsuite"`
			}
			require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
			require.Len(t, doc.Suites, 1)
			got := doc.Suites[0]
			for _, a := range []*string{got.Name, got.Tests, got.Failures, got.Errors, got.Skipped, got.Time} {
				require.NotNil(t, a, "a testsuite attribute is missing: %s", b.String())
			}
			assert.Nil(t, got.Properties)
			fails, errs, skips := 0, 0, 0
			for _, k := range got.Cases {
				assert.NotNil(t, k.Time)
				fails += btoi(k.Failure != nil)
				errs += btoi(k.Error != nil)
				skips += btoi(k.Skipped != nil)
			}
			assert.Equal(t, []string{itoa(len(c.cases)), itoa(fails), itoa(errs), itoa(skips)}, []string{*got.Tests, *got.Failures, *got.Errors, *got.Skipped})
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func itoa(n int) string { return string(rune('0' + n)) }

// TestErrored: a run that could not start is one suite of one errored
// testcase, its message the first line of the problem, its text all of it.
func TestErrored(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, junit.Write(&b, junit.Errored("migsim conform exec:./dev", "device", "start", "start", "cannot start the device: ",
		errors.New("start ./dev: exec format error\nsecond line"))))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="migsim conform exec:./dev" tests="1" failures="0" errors="1" skipped="0" time="0.000">
  <testsuite name="device" tests="1" failures="0" errors="1" skipped="0" time="0.000">
    <testcase classname="device" name="start" time="0.000">
      <error message="cannot start the device: start ./dev: exec format error" type="start">start ./dev: exec format error&#xA;second line</error>
    </testcase>
  </testsuite>
</testsuites>
`, b.String())
}

// TestNewFailure: a failure's message is the first line of its first
// text, its text every text, one a line; without a text, its type.
func TestNewFailure(t *testing.T) {
	for _, tc := range []struct {
		texts []string
		want  junit.Failure
	}{
		{[]string{"one line"}, junit.Failure{Message: "one line", Type: "check", Text: "one line"}},
		{[]string{"first\nreplay: x", "second"}, junit.Failure{Message: "first", Type: "check", Text: "first\nreplay: x\nsecond"}},
		// No text (a failure that said nothing): still a failure, not a panic.
		{nil, junit.Failure{Message: "check", Type: "check"}},
	} {
		assert.Equal(t, &tc.want, junit.NewFailure("check", tc.texts))
	}
}
