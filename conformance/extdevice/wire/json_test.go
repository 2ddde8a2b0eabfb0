package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleMessages hold every field of Message at least once, with values
// that need escaping or their whole range.
func sampleMessages() []*Message {
	capacity, digest := uint64(2048), Hex64(0xfedcba9876543210)
	return []*Message{
		{ID: 1, Op: "hello", Protocol: 1},
		{ID: 1, Op: "hello", Protocol: 1, Name: "dev \"quoted\" \\ tab\t é ☃ \x01", Editions: []string{"draft-2023", "virtio-1.4"},
			Knobs: map[string][]string{"read": {"full", "incremental-clear"}, "flr-vs-mode": {"hold-reply"}}},
		{ID: 2, Op: "new", Dev: 7, Drop: []uint64{1, 3, 1 << 60}, Config: &Config{Edition: "draft-2023",
			Rules: map[string]string{"read": "full", "transitions": "all"}, VF: 1024, RID: 0xffff, BAR0: 0x1_0000_0000,
			NumQueues: 2, QueueSizeMax: 64, Features: 1<<63 | 1, MSIXVectors: 3, Disk: &Disk{Serial: "migsim-disk", Capacity: 1 << 40}}},
		{ID: 3, Op: "event", Dev: 7, Capacity: &capacity, Event: &Event{Kind: "tlp", TLP: &TLP{Kind: "MWr", Requester: 1, Completer: 0x109,
			Addr: 0xfe000000, Data: []byte{0, 1, 0xff}}}},
		{ID: 4, Op: "event", Dev: 7, Event: &Event{Kind: "tlp", TLP: &TLP{Kind: "CfgRd", Len: 4}}},
		{ID: 5, Op: "event", Dev: 7, Event: &Event{Kind: "admin", Admin: &AdminRequest{Tag: 1 << 50, Opcode: 0x11, Data: []byte{1}, ResultCap: 4096, ObjectID: 9}}},
		{ID: 6, Op: "event", Dev: 7, Event: &Event{Kind: "timer", Timer: "flr"}},
		{ID: 7, Op: "event", Dev: 7, Event: &Event{Kind: "step", Step: &Step{Kind: "admin", Queue: 3, Tag: 12}}},
		{ID: 7, Op: "mem-read", Addr: 0x1000, Len: 16},
		{ID: 7, Op: "mem-data", Data: bytes.Repeat([]byte{0xab}, 33)},
		{ID: 7, Op: "mem-data", Error: "outside guest memory"},
		{ID: 7, Op: "disk-read", Sector: 99, Len: 512},
		{ID: 7, Op: "effects", ReadData: []byte{1, 2}, Interrupts: []Interrupt{{Vector: 1, Addr: 0xfee00004, Data: 0x41}},
			Completions: []Completion{{Tag: 3, Status: 22, Qualifier: 3, Result: []byte{9}}, {Tag: 4}},
			Timers:      []Timer{{Timer: "pm", Delay: 10_000_000}}, Steps: []Step{{Kind: "fetch"}, {Kind: "complete", Queue: 1}},
			Notes: []string{"a note\nwith a newline", "<&>"}, Status: &Status{Mode: 2, DeviceStatus: 15, FLRPending: true, ResetPending: true, HeldReplies: 2},
			Digest: &digest},
		{ID: 8, Op: "ready", Status: &Status{}, Digest: new(Hex64)},
		{ID: 1, Op: "hello", Protocol: 1, Name: "net", Type: "net"},
		{ID: 2, Op: "new", Dev: 9, Config: &Config{Edition: "virtio-1.4", Rules: map[string]string{"rx-while-stopped": "buffer"},
			NumQueues: 9, Net: &NetConfig{MAC: []byte{0x52, 0x54, 0, 1, 2, 3}, MTU: 1500, FIFO: 64, LinkUp: true,
				Held: []Frame{{Seq: 3, Data: []byte{0xff, 0}}, {Seq: 1 << 63}}}}},
		{ID: 9, Op: "event", Dev: 9, Event: &Event{Kind: "backend"}, Port: &PortState{LinkUp: true, Announce: true,
			Arrivals: []Frame{{Seq: 4, Data: []byte{1, 2, 3}}}}},
		{ID: 10, Op: "event", Dev: 9, Event: &Event{Kind: "timer", Timer: "pm"}, Port: &PortState{}},
		{ID: 9, Op: "effects", Status: &Status{}, Digest: &digest, Wire: &Wire{Held: []uint64{4, 1<<64 - 1},
			Tx: []TxFrame{{Queue: 1, Data: []byte{0xaa}}, {Queue: 3}}, Rx: []RxFrame{{Queue: 0, Seq: 3}},
			Drops: []WireDrop{{Dir: "rx", Seq: 5, Reason: "filtered"}, {Dir: "tx", Reason: "tx-runt"}}}},
		{ID: 2, Op: "ready", Status: &Status{}, Digest: &digest, Wire: &Wire{}},
	}
}

// strictJSON decodes a line with encoding/json, refusing unknown fields.
func strictJSON(t *testing.T, line []byte) *Message {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(line))
	d.DisallowUnknownFields()
	var m Message
	require.NoError(t, d.Decode(&m), "%s", line)
	return &m
}

// TestAppendAgreesWithEncodingJSON: encoding/json reads what appendMessage
// writes as the same message.
func TestAppendAgreesWithEncodingJSON(t *testing.T) {
	for _, m := range sampleMessages() {
		line := appendMessage(nil, m)
		assert.Equal(t, m, strictJSON(t, line), "%s", line)
	}
}

// TestParseAgreesWithEncodingJSON: the parser reads what encoding/json
// writes as encoding/json reads it, and reads its own output back.
func TestParseAgreesWithEncodingJSON(t *testing.T) {
	for _, m := range sampleMessages() {
		line, err := json.Marshal(m)
		require.NoError(t, err)
		got, err := parseMessage(line)
		require.NoError(t, err, "%s", line)
		assert.Equal(t, m, got, "%s", line)
		got, err = parseMessage(appendMessage(nil, m))
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
}

// TestParseErrors: what the parser refuses, with the byte offset and the
// path of the field the offset is in (none at the top level).
func TestParseErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{`{"id":1,"op":"hello","bogus":1}`, `byte 21: unknown field "bogus"`},
		{`{"id":1,"op":"effects","status":{"mode":1,"speed":3}}`, `byte 42, field status: unknown field "speed"`},
		{`{"id":1.5,"op":"x"}`, `byte 6, field id: want an integer, got a fraction or exponent`},
		{`{"id":-1,"op":"x"}`, `byte 6, field id: want a non-negative integer`},
		{`{"id":01,"op":"x"}`, `byte 6, field id: integer with a leading zero`},
		{`{"id":1,"op":"x"} {}`, `byte 18: data after the JSON object`},
		{`{"id":1,"op":"x`, `byte 15, field op: unterminated string`},
		{`{"id":1,"op":"effects","read_data":"abc"}`, `byte 35, field read_data: bad hex bytes: encoding/hex: odd length hex string`},
		{`{"id":1,"op":"mem-read","addr":"1000"}`, `byte 31, field addr: want a "0x…" string of 1 to 16 hex digits, got "1000"`},
		// What JSON libraries write by default for a uint64 and a byte
		// vector (serde: a number, an array of byte values).
		{`{"id":1,"op":"effects","digest":12155511208466208894}`, `byte 32, field digest: want a "0x…" string of 1 to 16 hex digits (a 64-bit quantity is a string, not a JSON number), got the number 12155511208466208894`},
		{`{"id":1,"op":"mem-read","addr":4096,"len":2}`, `byte 31, field addr: want a "0x…" string of 1 to 16 hex digits (a 64-bit quantity is a string, not a JSON number), got the number 4096`},
		{`{"id":1,"op":"effects","read_data":[70,10,0,0]}`, `byte 35, field read_data: want a string of hex digits, two per byte ("0a1b"), got an array`},
		{`{"id":1,"op":"effects","completions":[{"tag":1,"result":{"x":1}}]}`, `byte 56, field completions[0].result: want a string of hex digits, two per byte ("0a1b"), got an object`},
		{`{"id":1,"op":"effects","read_data":true}`, `byte 35, field read_data: want a string of hex digits, two per byte ("0a1b"), got a boolean`},
		{`{"id":1,"op":"effects","status":{"mode":256}}`, `byte 40, field status.mode: integer out of range for 8 bits`},
		{`{"id":1,"op":"x","name":"a\qb"}`, `byte 27, field name: bad escape \q`},
		{`["id"]`, `byte 0: want '{', got '['`},
		{``, `byte 0: unexpected end of input`},
		{`{"id":1,"op":"x","protocol":-null}`, `byte 29, field protocol: want a digit after '-'`},
		{`{"id":1,"op":"new","config":{"vf":3},"config":{"rid":2}}`, `byte 37: field "config" given twice`},
		{`{"id":1,"op":"effects","status":{"mode":1,"mode":2}}`, `byte 42, field status: field "mode" given twice`},
		{`{"id":1,"op":"effects","wire":{"rx":[{"queue":0,"seq":3,"len":60}]}}`, `byte 56, field wire.rx[0]: unknown field "len"`},
		{`{"id":1,"op":"effects","wire":{"drops":[{"dir":"rx","seq":-1}]}}`, `byte 58, field wire.drops[0].seq: want a non-negative integer`},
		{`{"id":1,"op":"event","port":{"arrivals":[{"seq":1,"data":"0g"}]}}`, `byte 57, field port.arrivals[0].data: bad hex bytes: encoding/hex: invalid byte: U+0067 'g'`},
		{`{"id":1,"op":"new","config":{"net":{"mtu":65536}}}`, `byte 42, field config.net.mtu: integer out of range for 16 bits`},
		{`{"id":1,"op":"event","port":{"link_up":1}}`, `byte 39, field port.link_up: want true or false`},
		{`{"id":1,"op":"effects","wire":{"held":[1],"held":[2]}}`, `byte 42, field wire: field "held" given twice`},
		// A \r\n line ending, and a CR between tokens: the byte of the CR.
		{"{\"id\":1,\"op\":\"x\"}\r", `byte 17: a carriage return (CR, 0x0d): a line ends with \n alone, not \r\n, and whitespace is spaces and tabs`},
		{"{\"id\":1,\r\"op\":\"x\"}", `byte 8: a carriage return (CR, 0x0d): a line ends with \n alone, not \r\n, and whitespace is spaces and tabs`},
		{"{\"id\":1,\"op\":\"x\"} \t", ``},
	}
	for _, tc := range tests {
		_, err := parseMessage([]byte(tc.line))
		if tc.want == "" { // spaces and tabs are whitespace
			assert.NoError(t, err, tc.line)
			continue
		}
		if assert.Error(t, err, tc.line) {
			assert.Equal(t, tc.want, err.Error(), tc.line)
		}
	}
}

// FuzzDecodeMessage: the decoder never panics; what it refuses it names:
// the byte offset (within the line) where parsing stopped, or the id or op
// it lacks; what it accepts encoding/json (refusing unknown fields) reads
// as the same message; and it writes and reads back unchanged.
func FuzzDecodeMessage(f *testing.F) {
	for _, m := range sampleMessages() {
		f.Add(appendMessage(nil, m))
	}
	f.Add([]byte(`{"id":1,"op":"x","name":"\ud800\udc00\ud800x"}`))
	f.Add([]byte(`{"id":1,"op":"x","knobs":null,"config":null,"capacity":null}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := Decode(line)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "malformed message "), err.Error())
			var pe *parseError
			if errors.As(err, &pe) {
				require.True(t, pe.pos >= 0 && pe.pos <= len(line), "%v: byte %d of %d", err, pe.pos, len(line))
				require.Contains(t, err.Error(), fmt.Sprintf(": byte %d", pe.pos))
				return
			}
			require.True(t, strings.HasSuffix(err.Error(), ": no op") || strings.HasSuffix(err.Error(), ": no id"), err.Error())
			return
		}
		d := json.NewDecoder(bytes.NewReader(line))
		d.DisallowUnknownFields()
		var std Message
		require.NoError(t, d.Decode(&std), "encoding/json refuses what the parser reads")
		assert.Equal(t, normalize(m), normalize(&std), "encoding/json reads otherwise")
		again, err := Decode(appendMessage(nil, m))
		require.NoError(t, err)
		assert.Equal(t, normalize(m), normalize(again))
	})
}

// normalize makes nil and empty maps and slices compare equal.
func normalize(m *Message) *Message {
	c := *m
	if len(c.Knobs) == 0 {
		c.Knobs = nil
	}
	for k, v := range c.Knobs {
		if len(v) == 0 {
			c.Knobs[k] = nil
		}
	}
	if c.Config != nil && len(c.Config.Rules) == 0 {
		cc := *c.Config
		cc.Rules = nil
		c.Config = &cc
	}
	for _, s := range []*[]string{&c.Editions, &c.Notes} {
		if len(*s) == 0 {
			*s = nil
		}
	}
	if len(c.Drop) == 0 {
		c.Drop = nil
	}
	// The effects' lists, as Drop: the parser reads [] as no list, which
	// is what the writer leaves out.
	if len(c.Interrupts) == 0 {
		c.Interrupts = nil
	}
	if len(c.Completions) == 0 {
		c.Completions = nil
	}
	if len(c.Timers) == 0 {
		c.Timers = nil
	}
	if len(c.Steps) == 0 {
		c.Steps = nil
	}
	// "data":"" and no data are the same message: the writer leaves an
	// empty field out.
	for _, b := range []*HexBytes{&c.Data, &c.ReadData} {
		if len(*b) == 0 {
			*b = nil
		}
	}
	normalizeNet(&c)
	return &c
}

// normalizeNet makes nil and empty lists of the virtio-net parts compare
// equal, copying what it changes.
func normalizeNet(c *Message) {
	if c.Config != nil && c.Config.Net != nil && len(c.Config.Net.Held) == 0 {
		cc, n := *c.Config, *c.Config.Net
		n.Held, cc.Net = nil, &n
		c.Config = &cc
	}
	if c.Port != nil && len(c.Port.Arrivals) == 0 {
		p := *c.Port
		p.Arrivals = nil
		c.Port = &p
	}
	if c.Wire != nil {
		w := *c.Wire
		if len(w.Held) == 0 {
			w.Held = nil
		}
		if len(w.Tx) == 0 {
			w.Tx = nil
		}
		if len(w.Rx) == 0 {
			w.Rx = nil
		}
		if len(w.Drops) == 0 {
			w.Drops = nil
		}
		c.Wire = &w
	}
}

// TestDecode_QuotesAroundTheError: a malformed message is quoted
// around the byte where it went wrong, not only from its start, and the
// error names that byte and the field it is in; a short line is quoted
// whole.
func TestDecode_QuotesAroundTheError(t *testing.T) {
	pad := strings.Repeat("ab", 150) // 300 hex digits of read_data before the error
	line := `{"id":3,"op":"effects","read_data":"` + pad + `","status":{"mode":-1,"device_status":0},"digest":"0x1","error":"` + pad + `"}`
	at := strings.Index(line, "-1")
	_, err := Decode([]byte(line))
	require.Error(t, err)
	lo := at - quoteMax/2
	want := fmt.Sprintf("malformed message …%q… (bytes %d to %d of %d): byte %d, field status.mode: want a non-negative integer",
		line[lo:lo+quoteMax], lo, lo+quoteMax, len(line), at)
	assert.Equal(t, want, err.Error())
	assert.Contains(t, err.Error(), `\"mode\":-1`, "the quote shows the wrong value")

	tail := `{"id":3,"op":"effects","digest":"0x1","read_data":"` + pad + `","status":{"mode":true}}`
	_, err = Decode([]byte(tail))
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("(bytes %d to %d of %d): byte ", len(tail)-quoteMax, len(tail), len(tail)), "an error near the end: the line's last bytes")
	assert.Contains(t, err.Error(), `true}}" (bytes`, "the quote ends with the line")
	assert.Contains(t, err.Error(), ", field status.mode: ")

	_, err = Decode([]byte(`{"id":1,"op":"effects","status":{"mode":-1}}`))
	require.Error(t, err)
	assert.Equal(t, `malformed message "{\"id\":1,\"op\":\"effects\",\"status\":{\"mode\":-1}}": byte 40, field status.mode: want a non-negative integer`, err.Error())
}
