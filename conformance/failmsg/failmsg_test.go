package failmsg

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/guard"
)

func TestProtocol(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"not a device error", "something else", "something else"},
		{"protocol at a step", "at step 12: " + extdevice.ErrorPrefix + "protocol: bad reply",
			"the device broke the protocol: bad reply (at step 12)"},
		{"fault in the reference run", "in the run without migration: " + extdevice.ErrorPrefix + "device fault: DMA out of range",
			"the device faulted (it kept the protocol but asked for what no device may do): DMA out of range (in the run without migration)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, Protocol(c.in)) })
	}
}

func TestContract(t *testing.T) {
	assert.Equal(t, "plain", Contract("plain"), "a message without the guard's text is kept")
	got := Contract("at step 3 of 9: world: " + guard.MemberContract + "src.vf1 changed its mode")
	assert.Equal(t, "the device broke the member contract: src.vf1 changed its mode (at step 3 of 9); the simulator's reduction relies on it, so the row is not judged further with this device", got)
	// In the run without migration the finding reaches the kit as the
	// catalog's defect of a panic: none of that wrapping is shown.
	got = Contract("the simulator panicked: in the run without migration (panic): world: " + guard.MemberContract + "src.vf1 changed its mode")
	assert.Equal(t, "the device broke the member contract: src.vf1 changed its mode (in the run without migration); the simulator's reduction relies on it, so the row is not judged further with this device", got)
	assert.NotContains(t, got, "panic")
	got = Protocol("the simulator panicked: in the run without migration (panic): " + extdevice.ErrorPrefix + "protocol: bad reply")
	assert.Equal(t, "the device broke the protocol: bad reply (in the run without migration)", got)
}

// TestContract_BackendUndeclared: the world's footprint panic of a step
// that changed the backend without declaring it — an external virtio-net
// device that transmitted while answering a doorbell — is worded as the
// device's broken contract, with the step and where, without the
// footprint; the panic of any other resource left out is kept as it is.
func TestContract_BackendUndeclared(t *testing.T) {
	in := `at step 91 of 91: world: footprint of "vcpu0:mmio-write notify+4=0100" (r{1} w{2}) does not declare the write of the disk (the network in a net world)`
	assert.Equal(t, `the device broke the member contract: it changed its backend (put a frame on the wire, or took in, delivered or dropped one; or wrote its disk) on "vcpu0:mmio-write notify+4=0100", a step the model holds does not reach it: only the member's queue steps and backend events do (at step 91 of 91); the simulator's reduction relies on it, so the row is not judged further with this device`,
		Contract(in))
	other := `at step 3 of 9: world: footprint of "hv:await ready" (r{1} w{2}) does not declare the write of host 1 pf`
	assert.Equal(t, other, Contract(other))
}

func TestNotDeterministic(t *testing.T) {
	err := fmt.Errorf("engine: memo: event 4: enabled[0] differs: %w", engine.ErrNotDeterministic)
	assert.Equal(t, "the device is not deterministic: the same events gave different effects (event 4: enabled[0] differs)", NotDeterministic(err))
	assert.Contains(t, NotDeterministic(errors.New("other")), "(other)")
}
