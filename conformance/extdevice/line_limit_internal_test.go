package extdevice

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice/wire"
)

// TestEnvelopeRoom: what a kit's line carries besides its frames fits in
// EnvelopeRoom at its largest (every number at its widest, every knob at
// its longest value, maxDrops devices to drop), and the largest answer to
// a nested request (MaxAccess bytes of memory or disk data) fits a line:
// only frames can take the kit over the limit.
func TestEnvelopeRoom(t *testing.T) {
	rules := map[string]string{}
	for k, vs := range AllKnobs() {
		for _, v := range vs {
			if len(v) > len(rules[k]) {
				rules[k] = v
			}
		}
	}
	drops := make([]uint64, maxDrops+10)
	for i := range drops {
		drops[i] = math.MaxUint64
	}
	p := &process{drops: drops}
	const wide = math.MaxUint64
	tests := []struct {
		name  string
		m     *Message
		limit int
	}{
		{name: "new", limit: EnvelopeRoom, m: &Message{ID: wide, Op: OpNew, Dev: wide, Drop: p.takeDrops(), Config: &Config{
			Edition: "draft-2023", Rules: rules, VF: math.MaxInt, RID: math.MaxUint16, BAR0: wide, NumQueues: math.MaxUint16,
			QueueSizeMax: math.MaxUint16, Features: wide, MSIXVectors: math.MaxInt,
			Net: &NetConfig{MAC: make(HexBytes, 6), MTU: math.MaxUint16, FIFO: math.MaxInt, LinkUp: true}}}},
		{name: "backend event", limit: EnvelopeRoom, m: &Message{ID: wide, Op: OpEvent, Dev: wide, Event: &Event{Kind: "backend"},
			Port: &PortState{LinkUp: true, Announce: true}}},
		{name: "mem-data", limit: MaxLine - 1, m: &Message{ID: wide, Op: OpMemData, Data: make(HexBytes, MaxAccess)}},
		{name: "disk-data", limit: MaxLine - 1, m: &Message{ID: wide, Op: OpDiskData, Data: make(HexBytes, MaxAccess)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := len(wire.Append(nil, tc.m))
			assert.LessOrEqual(t, n, tc.limit, "%d bytes", n)
			t.Logf("%s: %d bytes of %d", tc.name, n, tc.limit)
		})
	}
	assert.Len(t, p.drops, 10, "the drops over maxDrops wait for the next new request")
}

// TestFrameBytes: FrameBytes is what a frame takes in a line, its comma
// included.
func TestFrameBytes(t *testing.T) {
	for _, f := range []Frame{{Seq: 1, Data: make(HexBytes, 60)}, {Seq: 123456, Data: make(HexBytes, 1518)}, {Seq: math.MaxUint64, Data: []byte{1}}} {
		m := &Message{ID: 1, Op: OpEvent, Port: &PortState{Arrivals: []Frame{f, f}}}
		one := &Message{ID: 1, Op: OpEvent, Port: &PortState{Arrivals: []Frame{f}}}
		assert.Equal(t, FrameBytes(f.Seq, len(f.Data)), len(wire.Append(nil, m))-len(wire.Append(nil, one)), "seq %d", f.Seq)
	}
}
