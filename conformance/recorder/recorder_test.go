package recorder_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/recorder"
)

// TestRecorder: a failure marks the subtest and every test above it, a
// skip ends its subtest without failing it, a panic is a failure, and the
// outcomes list every subtest depth first with its messages.
func TestRecorder(t *testing.T) {
	r := recorder.New("kit")
	tests := []struct {
		name string
		f    func(*recorder.Recorder)
		pass bool
	}{
		{"pass", func(r *recorder.Recorder) { r.Logf("fine") }, true},
		{"fail", func(r *recorder.Recorder) { r.Errorf("broke %d", 1) }, false},
		{"skip", func(r *recorder.Recorder) { r.Skip("not", "here"); r.Errorf("not reached") }, true},
		{"panic", func(*recorder.Recorder) { panic("boom") }, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.pass, r.Run(tc.name, tc.f), tc.name)
	}
	assert.True(t, r.Failed())
	assert.Equal(t, []string{"kit/fail", "kit/panic"}, r.FailedLeaves())
	assert.Equal(t, []recorder.Outcome{
		{Name: "kit", Failed: true},
		{Name: "kit/pass", Logs: []string{"fine"}},
		{Name: "kit/fail", Failed: true, Logs: []string{"broke 1"}},
		{Name: "kit/skip", Skipped: true, Logs: []string{"not here"}},
		{Name: "kit/panic", Failed: true, Logs: []string{"panic: boom"}},
	}, r.Outcomes())
}
