package decodeview

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// hexErrOffset is the offset a ParseHex error names.
var hexErrOffset = regexp.MustCompile(`offset (\d+)`)

// FuzzParseHex: text is read as bytes or refused with the offset of the
// character at fault, inside the text; what is read prints (plain hex,
// and "0x" words split by colons) back to text that reads the same.
// Seeded with the spec vectors and the saved state that devctx tests.
func FuzzParseHex(f *testing.F) {
	raw, err := os.ReadFile("../../devctx/testdata/admin-v1.4.json")
	require.NoError(f, err)
	var file struct {
		Vectors []struct {
			Hex string `json:"hex"`
		} `json:"vectors"`
	}
	require.NoError(f, json.Unmarshal(raw, &file))
	for _, v := range file.Vectors {
		f.Add(v.Hex)
	}
	sample, err := os.ReadFile("../../devctx/compat/testdata/compat/sample.hex")
	require.NoError(f, err)
	f.Add(string(sample))
	for _, s := range []string{"0x11 0x00", "de:ad:be:ef", "0X0x", "abc", "0x", "x0", "12 3", "0x0x12", "\t0a\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseHex(s)
		if err != nil {
			m := hexErrOffset.FindStringSubmatch(err.Error())
			require.NotNil(t, m, "%v names no offset", err)
			off, convErr := strconv.Atoi(m[1])
			require.NoError(t, convErr)
			require.Less(t, off, len(s), "%v", err)
			return
		}
		require.LessOrEqual(t, 2*len(b), len(s))
		again, err := ParseHex(hex.EncodeToString(b))
		require.NoError(t, err)
		require.Equal(t, string(b), string(again))
		words := make([]string, len(b))
		for i, c := range b {
			words[i] = "0x" + hex.EncodeToString([]byte{c})
		}
		again, err = ParseHex(strings.Join(words, ":"))
		require.NoError(t, err)
		require.Equal(t, string(b), string(again))
	})
}
