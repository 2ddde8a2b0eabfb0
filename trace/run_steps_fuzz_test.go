package trace

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzStepLog: the step log reads any text in any cut into Writes without
// panicking; a line it reads is a step whose index, time, actor and label
// write that line back (as the engine's trace writes it), and the lines
// it refuses are errors that quote them.
func FuzzStepLog(f *testing.F) {
	f.Add("0 t=0s hv hv:halt-vcpus\n- t=1µs clock\n1 t=1µs src.pf src.pf:admin(tag 0)\n", 7)
	f.Add("x t=0s a b\n", 1)
	f.Add("3 t=-5s a b c\n", 0)
	f.Add("9 t=1h2m a\n", 3)
	f.Fuzz(func(t *testing.T, text string, cut int) {
		var l StepLog
		if cut < 0 || cut > len(text) {
			cut = len(text) / 2
		}
		_, err := l.Write([]byte(text[:cut]))
		if err == nil {
			_, err = l.Write([]byte(text[cut:]))
		}
		if err != nil && !strings.Contains(err.Error(), "trace: step line ") {
			t.Fatalf("%q: %v", text, err)
		}
		for _, s := range l.Steps {
			got, err := parseStepLine(strconv.Itoa(s.Step) + " t=" + s.Time.String() + " " + s.Actor + " " + s.Label)
			if err != nil || got != s {
				t.Fatalf("%+v does not read back: %+v, %v", s, got, err)
			}
		}
	})
}
