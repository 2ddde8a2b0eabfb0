package wire

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzUnmarshalHex reads a JSON value as encoding/json reads an address
// (Hex64) and a byte string (HexBytes), and as the message parser reads
// the same value as a message's addr and data: never a panic, not even
// when UnmarshalJSON is called with bytes that are not JSON; one reading
// both ways (the verdict and the value), but for a carriage return, JSON's
// whitespace and not the protocol's, which the parser refuses; and a
// value that reads writes (MarshalJSON) to one that reads the same.
func FuzzUnmarshalHex(f *testing.F) {
	for _, s := range []string{`"0xfe000000"`, `"0x0"`, `"0xffffffffffffffff"`, `"0x10000000000000000"`, `"0x"`, `"fe00"`,
		`"0XFE"`, `"\u0030x1"`, `""`, `"0a1b"`, `"0A1B"`, `"abc"`, `12`, `[]`, `"`, `"0x1`, ` "0x1" `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		var h Hex64
		_ = h.UnmarshalJSON(v)
		var b HexBytes
		_ = b.UnmarshalJSON(v)
		if !json.Valid(v) {
			return
		}
		// JSON's whitespace includes CR, the protocol's does not
		// (docs/device-protocol.md, "Lines and values"): a value with a
		// CR, which in valid JSON can only be whitespace, is refused by
		// the parser whatever encoding/json makes of it.
		if bytes.IndexByte(v, '\r') >= 0 {
			for _, key := range []string{"addr", "data"} {
				_, err := parseMessage(append(append([]byte(`{"id":1,"op":"x","`+key+`":`), v...), '}'))
				require.Error(t, err, "%s %q", key, v)
			}
			return
		}
		line := append(append([]byte(`{"id":1,"op":"x","addr":`), v...), '}')
		m, err := parseMessage(line)
		errH := json.Unmarshal(v, &h)
		require.Equal(t, err == nil, errH == nil, "addr %s: parser %v, encoding/json %v", v, err, errH)
		if errH == nil {
			assert.Equal(t, m.Addr, h)
			out, err := h.MarshalJSON()
			require.NoError(t, err)
			var back Hex64
			require.NoError(t, json.Unmarshal(out, &back), "%s", out)
			assert.Equal(t, h, back)
		}
		line = append(append([]byte(`{"id":1,"op":"x","data":`), v...), '}')
		m, err = parseMessage(line)
		errB := json.Unmarshal(v, &b)
		require.Equal(t, err == nil, errB == nil, "data %s: parser %v, encoding/json %v", v, err, errB)
		if errB == nil {
			assert.Equal(t, string(m.Data), string(b))
			out, err := b.MarshalJSON()
			require.NoError(t, err)
			var back HexBytes
			require.NoError(t, json.Unmarshal(out, &back), "%s", out)
			assert.Equal(t, string(b), string(back))
		}
	})
}
