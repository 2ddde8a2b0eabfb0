// Package recorder is a stand-in for *testing.T that records outcomes
// instead of reporting them, so that the conformance kit's subtests can run
// outside go test: conformance.Recorder is its Recorder, and the kit's own
// tests run the kit under it.
package recorder

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
)

// Recorder records the outcomes of a test and its subtests instead of
// reporting them: every subtest with its full name, whether it failed or
// was skipped, and its messages. Subtests run one at a time, each on its
// own goroutine (so that Skip can end it, as in package testing).
type Recorder struct {
	name     string
	parent   *Recorder
	mu       sync.Mutex
	failed   bool
	skipped  bool
	logs     []string
	children []*Recorder
}

// New returns a top-level recorder named name.
func New(name string) *Recorder { return &Recorder{name: name} }

// Helper does nothing.
func (r *Recorder) Helper() {}

// Errorf records a failure of r and of every test above it.
func (r *Recorder) Errorf(format string, args ...any) {
	r.log(fmt.Sprintf(format, args...))
	for x := r; x != nil; x = x.parent {
		x.mu.Lock()
		x.failed = true
		x.mu.Unlock()
	}
}

// Logf records a message.
func (r *Recorder) Logf(format string, args ...any) { r.log(fmt.Sprintf(format, args...)) }

func (r *Recorder) log(s string) {
	r.mu.Lock()
	r.logs = append(r.logs, s)
	r.mu.Unlock()
}

// Skip records the reason and ends the subtest.
func (r *Recorder) Skip(args ...any) {
	r.log(strings.TrimSuffix(fmt.Sprintln(args...), "\n"))
	r.mu.Lock()
	r.skipped = true
	r.mu.Unlock()
	runtime.Goexit()
}

// Run runs f as the subtest name of r and reports whether it passed. A
// panic in f is recorded as a failure.
func (r *Recorder) Run(name string, f func(*Recorder)) bool {
	c := &Recorder{name: r.name + "/" + name, parent: r}
	r.mu.Lock()
	r.children = append(r.children, c)
	r.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				c.Errorf("panic: %v", p)
			}
		}()
		f(c)
	}()
	<-done
	return !c.Failed()
}

// Failed reports whether r or a subtest failed.
func (r *Recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// Name is the full name ("kit/rows/smoke-migrate/draft-2023").
func (r *Recorder) Name() string { return r.name }

// Outcome is one recorded (sub)test.
type Outcome struct {
	Name    string
	Failed  bool
	Skipped bool
	Logs    []string
}

// Outcomes lists r and every subtest below it, depth first.
func (r *Recorder) Outcomes() []Outcome {
	r.mu.Lock()
	o := Outcome{Name: r.name, Failed: r.failed, Skipped: r.skipped, Logs: append([]string(nil), r.logs...)}
	kids := append([]*Recorder(nil), r.children...)
	r.mu.Unlock()
	out := []Outcome{o}
	for _, c := range kids {
		out = append(out, c.Outcomes()...)
	}
	return out
}

// FailedLeaves lists the names of the failed subtests that have no
// subtest of their own.
func (r *Recorder) FailedLeaves() []string {
	r.mu.Lock()
	kids := append([]*Recorder(nil), r.children...)
	failed := r.failed
	r.mu.Unlock()
	if len(kids) == 0 {
		if failed {
			return []string{r.name}
		}
		return nil
	}
	var out []string
	for _, c := range kids {
		out = append(out, c.FailedLeaves()...)
	}
	return out
}
