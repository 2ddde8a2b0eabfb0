package junit_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/junit"
)

// TestWrite: cases are counted per suite and in the totals, and the
// document is the XML header, the suites indented by two spaces and a
// final newline.
func TestWrite(t *testing.T) {
	s := junit.Suite{Name: "rows", Properties: []junit.Property{{Name: "interrupted", Value: "yes"}}}
	for _, c := range []junit.Case{
		{Classname: "row", Name: "a"},
		{Classname: "row", Name: "b", Failure: &junit.Failure{Message: "broke", Type: "oracle", Text: "broke\nat step 3"}},
		{Classname: "row", Name: "c", Skipped: &junit.Skipped{Message: "not here"}},
	} {
		s.Add(c)
	}
	all := junit.Suites{Name: "kit"}
	all.Add(s)
	var b bytes.Buffer
	require.NoError(t, junit.Write(&b, all))
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="kit" tests="3" failures="1" skipped="1">
  <testsuite name="rows" tests="3" failures="1" skipped="1">
    <properties>
      <property name="interrupted" value="yes"></property>
    </properties>
    <testcase classname="row" name="a"></testcase>
    <testcase classname="row" name="b">
      <failure message="broke" type="oracle">broke&#xA;at step 3</failure>
    </testcase>
    <testcase classname="row" name="c">
      <skipped message="not here"></skipped>
    </testcase>
  </testsuite>
</testsuites>
`, b.String())
}

// TestNewFailure: a failure's message is the first line of its first
// text, its text every text, one a line.
func TestNewFailure(t *testing.T) {
	for _, tc := range []struct {
		texts []string
		want  junit.Failure
	}{
		{[]string{"one line"}, junit.Failure{Message: "one line", Type: "check", Text: "one line"}},
		{[]string{"first\nreplay: x", "second"}, junit.Failure{Message: "first", Type: "check", Text: "first\nreplay: x\nsecond"}},
	} {
		assert.Equal(t, &tc.want, junit.NewFailure("check", tc.texts))
	}
}
