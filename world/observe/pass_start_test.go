package observe

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
)

// doorbellWorld answers Doorbell by the event's address; the passes read
// nothing else of it here.
type doorbellWorld struct {
	World
	bell uint64
}

func (w doorbellWorld) Doorbell(ev member.Event) bool { return ev.TLP.Addr == w.bell }

// TestEventPass_Start: the world reuses one pass for every event, so a pass
// started over the previous event's must equal one started from zero:
// nothing of the previous event (its fields, its answered Doorbell) is
// left. The field count makes a new field of the pass come here.
func TestEventPass_Start(t *testing.T) {
	require.Equal(t, 10, reflect.TypeFor[EventPass]().NumField(),
		"a field was added to EventPass: Start must set it, and this test must check it")
	w := doorbellWorld{bell: 0x1000}
	type args struct {
		host    string
		t       owner.Target
		who     string
		ev      member.Event
		members []MemberChange
		dma     []DMAAccess
		irqs    []Interrupt
		done    []owner.AdminOutcome
	}
	bell := args{"src", owner.TargetPF, "guest-1",
		member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Addr: 0x1000, Data: []byte{1}}},
		[]MemberChange{{Before: member.Status{HeldReplies: 1}}}, []DMAAccess{{Host: "src", VF: 1}}, []Interrupt{{VF: 2}},
		[]owner.AdminOutcome{{Seq: 7}}}
	quiet := args{"dst", 3, "peer-1", member.Event{Kind: member.EvTimer, Timer: 4},
		[]MemberChange{}, []DMAAccess{}, []Interrupt{}, []owner.AdminOutcome{}}
	start := func(p *EventPass, a args) {
		p.Start(a.host, a.t, a.who, &a.ev, a.members, a.dma, a.irqs, a.done)
		p.w = w
	}
	for _, c := range []struct {
		name        string
		first, then args
		want        bool
	}{
		{"a doorbell after a quiet event", quiet, bell, true},
		{"a quiet event after a doorbell", bell, quiet, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var reused, fresh EventPass
			start(&reused, c.first)
			reused.Doorbell() // answered and kept for the first event
			start(&reused, c.then)
			start(&fresh, c.then)
			a := c.then
			assert.Equal(t, EventPass{Pass: Pass{w: w}, Host: a.host, Target: a.t, Who: a.who, Event: a.ev,
				Members: a.members, DMA: a.dma, Interrupts: a.irqs, Completed: a.done}, fresh, "the pass of the event")
			assert.Equal(t, fresh, reused, "the reused pass holds what a fresh one does")
			assert.Equal(t, c.want, reused.Doorbell())
		})
	}
}
