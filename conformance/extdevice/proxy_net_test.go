package extdevice

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	membernet "github.com/migsim/migsim/member/net"
)

// netFixture is a port of FIFO capacity 3 holding frames 1 and 2, and the
// frames 5 and 6 a backend event took off it.
func netFixture() (*membernet.Link, *membernet.Port, []membernet.Frame) {
	link := membernet.NewLink(7, 1500)
	port := link.NewPort("src.vf1", 3)
	for seq := uint64(1); seq <= 6; seq++ {
		f := link.Frame(link.MAC(), 0, -1, 60)
		if seq <= 2 {
			port.Hold(f)
		}
	}
	arrived := []membernet.Frame{{Seq: 5, Data: []byte{5}}, {Seq: 6, Data: []byte{6}}}
	return link, port, arrived
}

func heldSeqs(p *membernet.Port) []uint64 {
	var out []uint64
	for _, f := range p.HeldFrames() {
		out = append(out, f.Seq)
	}
	return out
}

// TestApplyWire: a reply's account of the network side is replayed on the
// world's port and link; every account that cannot be true is refused
// with the field it is about.
func TestApplyWire(t *testing.T) {
	tests := []struct {
		name string
		wire *Wire
		// numQueues is the device's num_queues (0: its own).
		numQueues int
		// want is the error; held, delivered and drops what the port
		// holds and the link recorded otherwise.
		want             string
		held             []uint64
		delivered, drops int
	}{
		{name: "nothing", wire: nil, held: []uint64{1, 2}},
		{name: "every record", wire: &Wire{Held: []uint64{5}, Rx: []RxFrame{{Queue: 2, Seq: 1}},
			Drops: []WireDrop{{Dir: "rx", Seq: 6, Reason: "filtered"}, {Dir: "tx", Reason: "tx-runt"}},
			Tx:    []TxFrame{{Queue: 1, Data: []byte{1, 2}}}},
			held: []uint64{2, 5}, delivered: 1, drops: 2},
		{name: "an arrival lost is the oracle's to judge", wire: &Wire{Held: []uint64{6}}, held: []uint64{1, 2, 6}},
		{name: "held then dropped at a reset", wire: &Wire{Held: []uint64{5},
			Drops: []WireDrop{{Dir: "rx", Seq: 1, Reason: "reset"}, {Dir: "rx", Seq: 2, Reason: "reset"}, {Dir: "rx", Seq: 5, Reason: "reset"}}},
			drops: 3},
		{name: "held, not an arrival", wire: &Wire{Held: []uint64{1}},
			want: "wire.held[0]: frame 1 is not an arrival of this request still to take in"},
		{name: "held twice", wire: &Wire{Held: []uint64{5, 5}},
			want: "wire.held[1]: frame 5 is not an arrival of this request still to take in"},
		{name: "FIFO over capacity", wire: &Wire{Held: []uint64{5, 6}},
			want: "wire.held: the receive FIFO holds 4 frames, its capacity is 3"},
		{name: "delivered, not held", wire: &Wire{Rx: []RxFrame{{Queue: 0, Seq: 5}}},
			want: "wire.rx[0].seq: frame 5 is not held"},
		{name: "delivered twice", wire: &Wire{Rx: []RxFrame{{Seq: 1}, {Seq: 1}}},
			want: "wire.rx[1].seq: frame 1 is not held"},
		{name: "unknown direction", wire: &Wire{Drops: []WireDrop{{Dir: "up", Seq: 1, Reason: "reset"}}},
			want: `wire.drops[0].dir: unknown direction "up" (want rx or tx)`},
		{name: "unknown reason", wire: &Wire{Drops: []WireDrop{{Dir: "rx", Seq: 1, Reason: "bored"}}},
			want: `wire.drops[0].reason: unknown drop reason "bored" (want one of stopped, fifo-full,`},
		{name: "reason of the other direction", wire: &Wire{Drops: []WireDrop{{Dir: "rx", Seq: 1, Reason: "tx-gso"}}},
			want: "wire.drops[0].reason: tx-gso drops tx frames, dir is rx"},
		{name: "transmitted drop with a seq", wire: &Wire{Drops: []WireDrop{{Dir: "tx", Seq: 3, Reason: "tx-oversize"}}},
			want: "wire.drops[0].seq: 3, but a transmitted frame has no sequence number"},
		{name: "received drop without a seq", wire: &Wire{Drops: []WireDrop{{Dir: "rx", Reason: "mtu"}}},
			want: "wire.drops[0].seq: missing for a received frame"},
		{name: "received drop of a frame never seen", wire: &Wire{Drops: []WireDrop{{Dir: "rx", Seq: 4, Reason: "mtu"}}},
			want: "wire.drops[0].seq: frame 4 is neither held nor an arrival of this request"},
		{name: "the last pair of num_queues 9", wire: &Wire{Rx: []RxFrame{{Queue: 6, Seq: 1}}, Tx: []TxFrame{{Queue: 7, Data: []byte{1}}}},
			numQueues: 9, held: []uint64{2}, delivered: 1},
		{name: "any pair when the device chose num_queues", wire: &Wire{Rx: []RxFrame{{Queue: 600, Seq: 1}}, Tx: []TxFrame{{Queue: 65535}}},
			held: []uint64{2}, delivered: 1},
		{name: "delivered into a transmit queue", wire: &Wire{Rx: []RxFrame{{Queue: 1, Seq: 1}}},
			want: "wire.rx[0].queue: 1 is not a receive queue (receive queues are even)"},
		{name: "transmitted from a receive queue", wire: &Wire{Tx: []TxFrame{{Queue: 2}}},
			want: "wire.tx[0].queue: 2 is not a transmit queue (transmit queues are odd)"},
		{name: "delivered into the control queue", wire: &Wire{Rx: []RxFrame{{Queue: 8, Seq: 1}}}, numQueues: 9,
			want: "wire.rx[0].queue: 8 is not a receive queue of a device with num_queues 9"},
		{name: "transmitted from a queue past num_queues", wire: &Wire{Tx: []TxFrame{{Queue: 5}}}, numQueues: 4,
			want: "wire.tx[0].queue: 5 is not a transmit queue of a device with num_queues 4"},
		{name: "transmitted with one queue", wire: &Wire{Tx: []TxFrame{{Queue: 1}}}, numQueues: 1,
			want: "wire.tx[0].queue: 1 is not a transmit queue of a device with num_queues 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			link, port, arrived := netFixture()
			err := applyWire(port, tc.wire, arrived, tc.numQueues)
			if tc.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.held, heldSeqs(port))
			assert.Len(t, link.Delivered(), tc.delivered)
			assert.Len(t, link.Drops(), tc.drops)
			if tc.wire != nil {
				assert.Len(t, link.Transmitted(), len(tc.wire.Tx))
				for i, tx := range link.Transmitted() {
					assert.Equal(t, "src.vf1", tx.Port)
					assert.Equal(t, []byte(tc.wire.Tx[i].Data), tx.Frame.Data)
				}
			}
		})
	}
}

// TestServedNetErrors: a new or event whose network side cannot be built
// is refused by the served side with the field it is about.
func TestServedNetErrors(t *testing.T) {
	mac := []byte{0x52, 0x54, 0, 1, 2, 3}
	tests := []struct {
		name string
		cfg  NetConfig
		port *PortState
		want string
	}{
		{"short mac", NetConfig{MAC: mac[:5], MTU: 1500, FIFO: 4}, nil, "config.net.mac: 5 bytes, want 6"},
		{"mtu below 68", NetConfig{MAC: mac, MTU: 67, FIFO: 4}, nil, "config.net.mtu: 67, want 68 to 65535"},
		{"no FIFO", NetConfig{MAC: mac, MTU: 1500}, nil, "config.net.fifo: 0, want at least 1 frame"},
		{"held without seq", NetConfig{MAC: mac, MTU: 1500, FIFO: 4, Held: []Frame{{Seq: 1}, {Seq: 0}}}, nil,
			"config.net.held[1].seq: missing (sequence numbers start at 1)"},
		{"held repeated", NetConfig{MAC: mac, MTU: 1500, FIFO: 4, Held: []Frame{{Seq: 3}, {Seq: 3}}}, nil,
			"config.net.held[1].seq: frame 3 repeated (config.net.held[0])"},
		{"held over the FIFO", NetConfig{MAC: mac, MTU: 1500, FIFO: 1, Held: []Frame{{Seq: 1}, {Seq: 2}}}, nil,
			"config.net.held: 2 frames, more than the FIFO's 1"},
		{"arrival without seq", NetConfig{MAC: mac, MTU: 1500, FIFO: 4}, &PortState{Arrivals: []Frame{{Data: []byte{1}}}},
			"port.arrivals[0].seq: missing (sequence numbers start at 1)"},
		{"arrival repeated", NetConfig{MAC: mac, MTU: 1500, FIFO: 4}, &PortState{Arrivals: []Frame{{Seq: 9}, {Seq: 9}}},
			"port.arrivals[1].seq: frame 9 repeated (port.arrivals[0])"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := newServedNet(&tc.cfg)
			if tc.port == nil {
				require.Error(t, err)
				assert.EqualError(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			assert.EqualError(t, n.arrive(tc.port), tc.want)
		})
	}
}

// FuzzNetFromWire reads the network side of a line as the served side and
// the kit do: a config.net that builds a port holds its frames on a link
// of its MAC and mtu; a port state arrives on it; a wire account replays
// on a port holding frames 1 and 2 with arrivals 5 and 6 or is refused
// with its field (a device of the reference's num_queues); once replayed the FIFO is within its capacity and the
// link recorded exactly the account's records.
func FuzzNetFromWire(f *testing.F) {
	addSeeds(f,
		`{"id":3,"op":"effects","wire":{"held":[5,6,5],"rx":[{"seq":2}],"drops":[{"dir":"tx","reason":"stopped"}]}}`,
		`{"id":3,"op":"effects","wire":{"drops":[{"dir":"rx","seq":6,"reason":"fifo-full"},{"dir":"rx","seq":1,"reason":"reset"}]}}`,
		`{"id":2,"op":"new","dev":1,"config":{"net":{"mac":"525400010203","mtu":68,"fifo":1,"held":[{"seq":4,"data":"00"}]}}}`,
		`{"id":3,"op":"event","dev":1,"port":{"link_up":true,"announce":true,"arrivals":[{"seq":1},{"seq":2,"data":"ff"}]}}`)
	field := `^(wire\.(held|rx|drops|tx)(\[\d+\](\.seq|\.dir|\.reason|\.queue)?)?|config\.net\.(mac|mtu|fifo|held)(\[\d+\]\.seq)?|port\.arrivals\[\d+\]\.seq): `
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := DecodeMessage(line)
		if err != nil {
			return
		}
		if m.Config != nil && m.Config.Net != nil {
			n, err := newServedNet(m.Config.Net)
			if err != nil {
				assert.Regexp(t, field, err.Error())
			} else {
				mac := n.link.MAC()
				assert.Equal(t, []byte(m.Config.Net.MAC), mac[:])
				assert.Equal(t, m.Config.Net.MTU, n.link.MTU())
				assert.Len(t, n.held(), len(m.Config.Net.Held))
				if m.Port != nil {
					if err := n.arrive(m.Port); err != nil {
						assert.Regexp(t, field, err.Error())
					} else {
						assert.Equal(t, len(m.Port.Arrivals), n.port.Waiting())
						assert.Equal(t, m.Port.LinkUp, n.port.LinkUp())
					}
				}
			}
		}
		if m.Wire == nil {
			return
		}
		link, port, arrived := netFixture()
		if err := applyWire(port, m.Wire, arrived, 2*membernet.DefaultMaxPairs+1); err != nil {
			assert.Regexp(t, field, err.Error())
			return
		}
		assert.LessOrEqual(t, port.Held(), port.FIFOCap())
		assert.Len(t, link.Transmitted(), len(m.Wire.Tx))
		assert.Len(t, link.Delivered(), len(m.Wire.Rx))
		assert.Len(t, link.Drops(), len(m.Wire.Drops))
		seen := map[uint64]bool{}
		for _, s := range heldSeqs(port) {
			assert.False(t, seen[s], "frame %d held twice", s)
			seen[s] = true
		}
	})
}
