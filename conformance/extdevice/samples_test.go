package extdevice

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice/wire"
)

// sampleMessages hold every field of Message at least once, with values
// that need escaping or their whole range (the codec's own samples are
// package wire's): the seeds of the converters' and the line reader's
// fuzz targets.
func sampleMessages() []*Message {
	capacity, digest := uint64(2048), Hex64(0xfedcba9876543210)
	return []*Message{
		{ID: 1, Op: OpHello, Protocol: ProtocolVersion},
		{ID: 1, Op: OpHello, Protocol: 1, Name: "dev \"quoted\" \\ tab\t é ☃ \x01", Editions: []string{"draft-2023", "virtio-1.4"},
			Knobs: map[string][]string{"read": {"full", "incremental-clear"}, "flr-vs-mode": {"hold-reply"}}},
		{ID: 2, Op: OpNew, Dev: 7, Drop: []uint64{1, 3, 1 << 60}, Config: &Config{Edition: "draft-2023",
			Rules: map[string]string{"read": "full", "transitions": "all"}, VF: 1024, RID: 0xffff, BAR0: 0x1_0000_0000,
			NumQueues: 2, QueueSizeMax: 64, Features: 1<<63 | 1, MSIXVectors: 3, Disk: &Disk{Serial: "migsim-disk", Capacity: 1 << 40}}},
		{ID: 3, Op: OpEvent, Dev: 7, Capacity: &capacity, Event: &Event{Kind: "tlp", TLP: &TLP{Kind: "MWr", Requester: 1, Completer: 0x109,
			Addr: 0xfe000000, Data: []byte{0, 1, 0xff}}}},
		{ID: 4, Op: OpEvent, Dev: 7, Event: &Event{Kind: "tlp", TLP: &TLP{Kind: "CfgRd", Len: 4}}},
		{ID: 5, Op: OpEvent, Dev: 7, Event: &Event{Kind: "admin", Admin: &AdminRequest{Tag: 1 << 50, Opcode: 0x11, Data: []byte{1}, ResultCap: 4096, ObjectID: 9}}},
		{ID: 6, Op: OpEvent, Dev: 7, Event: &Event{Kind: "timer", Timer: "flr"}},
		{ID: 7, Op: OpEvent, Dev: 7, Event: &Event{Kind: "step", Step: &Step{Kind: "admin", Queue: 3, Tag: 12}}},
		{ID: 7, Op: OpMemRead, Addr: 0x1000, Len: 16},
		{ID: 7, Op: OpMemData, Data: bytes.Repeat([]byte{0xab}, 33)},
		{ID: 7, Op: OpMemData, Error: "outside guest memory"},
		{ID: 7, Op: OpDiskRead, Sector: 99, Len: 512},
		{ID: 7, Op: OpEffects, ReadData: []byte{1, 2}, Interrupts: []Interrupt{{Vector: 1, Addr: 0xfee00004, Data: 0x41}},
			Completions: []Completion{{Tag: 3, Status: 22, Qualifier: 3, Result: []byte{9}}, {Tag: 4}},
			Timers:      []Timer{{Timer: "pm", Delay: 10_000_000}}, Steps: []Step{{Kind: "fetch"}, {Kind: "complete", Queue: 1}},
			Notes: []string{"a note\nwith a newline", "<&>"}, Status: &Status{Mode: 2, DeviceStatus: 15, FLRPending: true, ResetPending: true, HeldReplies: 2},
			Digest: &digest},
		{ID: 8, Op: OpReady, Status: &Status{}, Digest: new(Hex64)},
		{ID: 1, Op: OpHello, Protocol: ProtocolVersion, Name: "net", Type: TypeNet},
		{ID: 2, Op: OpNew, Dev: 9, Config: &Config{Edition: "virtio-1.4", Rules: map[string]string{"rx-while-stopped": "buffer"},
			NumQueues: 9, Net: &NetConfig{MAC: []byte{0x52, 0x54, 0, 1, 2, 3}, MTU: 1500, FIFO: 64, LinkUp: true,
				Held: []Frame{{Seq: 3, Data: []byte{0xff, 0}}, {Seq: 1 << 63}}}}},
		{ID: 9, Op: OpEvent, Dev: 9, Event: &Event{Kind: "backend"}, Port: &PortState{LinkUp: true, Announce: true,
			Arrivals: []Frame{{Seq: 4, Data: []byte{1, 2, 3}}}}},
		{ID: 10, Op: OpEvent, Dev: 9, Event: &Event{Kind: "timer", Timer: "pm"}, Port: &PortState{}},
		{ID: 9, Op: OpEffects, Status: &Status{}, Digest: &digest, Wire: &Wire{Held: []uint64{4, 1<<64 - 1},
			Tx: []TxFrame{{Queue: 1, Data: []byte{0xaa}}, {Queue: 3}}, Rx: []RxFrame{{Queue: 0, Seq: 3}},
			Drops: []WireDrop{{Dir: "rx", Seq: 5, Reason: "filtered"}, {Dir: "tx", Reason: "tx-runt"}}}},
		{ID: 2, Op: OpReady, Status: &Status{}, Digest: &digest, Wire: &Wire{}},
	}
}

// sameMessage asserts that two messages write the same line: the codec
// leaves empty fields out, so nil and empty lists and maps are the same.
func sameMessage(t *testing.T, want, got *Message) {
	t.Helper()
	assert.Equal(t, string(wire.Append(nil, want)), string(wire.Append(nil, got)))
}
