package adminq

import (
	"bytes"
	"strings"
	"testing"

	"github.com/migsim/migsim/spec"
)

// Fuzz targets for the typed codec. Run them with, e.g.,
//
//	go test ./adminq -run '^$' -fuzz '^FuzzDecodeCommand$' -fuzztime 2m
//	go test ./adminq -run '^$' -fuzz '^FuzzDecodeResult$' -fuzztime 2m
//
// Without -fuzz they run their seeds as ordinary tests.

// hostileCommands are seeds that aim at lengths and counts.
var hostileCommands = [][]byte{
	nil,
	{0x0f},
	cat(hdr(0x10, spec.GroupSRIOV, 1), []byte{0, 0, 0, 0, 1, 0, 0, 0}, []byte{0x02, 0x01, 0, 0, 0x16, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}),
	cat(hdr(0x0f, spec.GroupSRIOV, 1), make([]byte, 8), []byte{0}, make([]byte, 7), []byte{1, 2, 3}),
	cat(hdr(0x09, spec.GroupSelf, 0), []byte{0, 0, 1, 2, 3, 4, 5, 6}, []byte{9, 9, 9}),
	cat(hdr(0x0a, spec.GroupSRIOV, 1), []byte{0, 2, 0, 0, 1, 0, 0, 0}),
}

// hostileResults are (opcode, request data, result) seeds with counts and
// sizes that point past the end, and short results.
var hostileResults = []struct {
	op     uint16
	req    []byte
	result []byte
}{
	{0x0a, nil, cat(make([]byte, 8), le32(0xffffffff), le32(0))},
	{0x08, []byte{9, 0}, cat(make([]byte, 8), []byte{1, 2, 3})},
	{0x06, nil, []byte{0, 0, 0}},
	{0x00, nil, cat(make([]byte, 8), []byte{3, 0, 1})},
}

func seedVectors(f *testing.F, add func(name string, b []byte)) {
	for _, v := range loadVectors(f) {
		add(v.Name, vectorBytes(f, v))
	}
}

// FuzzDecodeCommand checks, for both editions, that decoding any bytes
// never panics and that decode → encode → decode is stable.
func FuzzDecodeCommand(f *testing.F) {
	seedVectors(f, func(name string, b []byte) {
		if strings.HasPrefix(name, "cmd-") {
			f.Add(b)
		}
	})
	for _, b := range hostileCommands {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, ed := range spec.Editions {
			c := DecodeTypedCommand(ed, b)
			_ = c.Fields()
			enc := c.Encode()
			c2 := DecodeTypedCommand(ed, enc)
			if enc2 := c2.Encode(); !bytes.Equal(enc, enc2) {
				t.Fatalf("%s: unstable: %x then %x", ed, enc, enc2)
			}
			if len(b) >= spec.AdminCmdHeaderSize && !bytes.Equal(enc, b) {
				t.Fatalf("%s: %x re-encoded as %x", ed, b, enc)
			}
		}
	})
}

// FuzzDecodeResult checks, for both editions and every opcode, that
// decoding a result never panics and that decode → encode → decode is
// stable. Context and parts results stay raw here; devctx's
// FuzzDecodeResult decodes them.
func FuzzDecodeResult(f *testing.F) {
	vecs := map[string][]byte{}
	var names []string
	seedVectors(f, func(name string, b []byte) { vecs[name] = b; names = append(names, name) })
	for _, name := range names { // file order, not map order
		switch cmdName, ok := resultRequest[name]; {
		case ok:
			c := DecodeCommand(vecs[cmdName])
			f.Add(c.Opcode, c.Data, vecs[name])
		case strings.HasPrefix(name, "res-e"):
			f.Add(uint16(0), []byte(nil), vecs[name])
		}
	}
	for _, h := range hostileResults {
		f.Add(h.op, h.req, h.result)
	}
	f.Fuzz(func(t *testing.T, op uint16, reqData []byte, b []byte) {
		for _, ed := range spec.Editions {
			req := DecodeTypedCommand(ed, cat(hdr(op, spec.GroupSRIOV, 1), reqData))
			r := DecodeTypedResult(ed, &req, b)
			_ = r.Fields()
			enc := r.Encode()
			r2 := DecodeTypedResult(ed, &req, enc)
			if enc2 := r2.Encode(); !bytes.Equal(enc, enc2) {
				t.Fatalf("%s: unstable: %x then %x", ed, enc, enc2)
			}
			if len(b) >= spec.AdminResultHeaderSize && !bytes.Equal(enc, b) {
				t.Fatalf("%s: %x re-encoded as %x", ed, b, enc)
			}
		}
	})
}
