package tracerec

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// fixedWorld is a world at step 7, time 42 under virtio-1.4.
type fixedWorld struct{}

func (fixedWorld) At() (int, engine.VTime, spec.Edition) { return 7, 42, spec.Virtio14 }
func (fixedWorld) OwnerDriver() string                   { return "hv" }
func (fixedWorld) Guest(int, int) string                 { return "" }

// TestAdd: an event is stamped with where the run is and its function,
// and a missing end is the function itself.
func TestAdd(t *testing.T) {
	rows := []struct {
		name     string
		t        owner.Target
		from, to string
		wantFrom string
		wantTo   string
	}{
		{"both ends the function", owner.TargetPF, "", "", "src.pf", "src.pf"},
		{"from given", owner.Target(1), "vcpu0", "", "vcpu0", "src.vf1"},
		{"to given", owner.Target(2), "", "src.mem", "src.vf2", "src.mem"},
	}
	for _, row := range rows {
		r := New(fixedWorld{})
		r.Add("src", row.t, "vcpu0", record.TraceEvent{Kind: record.TraceNote, From: row.from, To: row.to})
		if assert.Len(t, r.Events, 1, row.name) {
			e := r.Events[0]
			assert.Equal(t, 7, e.Step, row.name)
			assert.Equal(t, engine.VTime(42), e.Time, row.name)
			assert.Equal(t, spec.Virtio14, e.Edition, row.name)
			assert.Equal(t, "src", e.Host, row.name)
			assert.Equal(t, row.t.String(), e.Target, row.name)
			assert.Equal(t, "vcpu0", e.Who, row.name)
			assert.Equal(t, row.wantFrom, e.From, row.name)
			assert.Equal(t, row.wantTo, e.To, row.name)
		}
	}
}
