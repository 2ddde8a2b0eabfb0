package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// examplesDir holds the description files and saved states docs/compat.md
// walks through.
const examplesDir = "../../docs/examples/compat"

// exampleFiles returns the example files whose names match pattern.
func exampleFiles(f *testing.F, pattern string) [][]byte {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join(examplesDir, pattern))
	require.NoError(f, err)
	require.NotEmpty(f, paths, pattern)
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		out = append(out, b)
	}
	return out
}

// FuzzParseDescriptions parses a source and a destination description:
// never a panic, errors say which description; a source that parses gives
// a header that survives the saved-state encoding unchanged, and a pair
// that parses is checked (CheckCompatible) to a verdict, never a panic.
func FuzzParseDescriptions(f *testing.F) {
	srcs, dsts := exampleFiles(f, "src-*.json"), exampleFiles(f, "dst-*.json")
	for i, s := range srcs {
		for j, d := range dsts {
			if (i+j)%2 == 0 || i == 0 {
				f.Add(s, d)
			}
		}
	}
	for _, bad := range exampleFiles(f, "bad-*.json") {
		f.Add(bad, bad)
	}
	// The hand-made descriptions of testdata/trial: out-of-range numbers,
	// duplicates, init and off values that are not allowed.
	trialSrcs, err := filepath.Glob(filepath.Join(trialDir, "s-*.json"))
	require.NoError(f, err)
	trialDsts, err := filepath.Glob(filepath.Join(trialDir, "d-*.json"))
	require.NoError(f, err)
	for i := range max(len(trialSrcs), len(trialDsts)) {
		s, err := os.ReadFile(trialSrcs[i%len(trialSrcs)])
		require.NoError(f, err)
		d, err := os.ReadFile(trialDsts[i%len(trialDsts)])
		require.NoError(f, err)
		f.Add(s, d)
	}
	f.Fuzz(func(t *testing.T, src, dst []byte) {
		d, srcErr := ParseSourceDescription(src)
		if srcErr != nil {
			require.True(t, strings.HasPrefix(srcErr.Error(), "devctx: source description: "), srcErr.Error())
			requireLocated(t, srcErr)
		}
		caps, dstErr := ParseDestinationDescription(dst)
		if dstErr != nil {
			require.True(t, strings.HasPrefix(dstErr.Error(), "devctx: destination description: "), dstErr.Error())
			requireLocated(t, dstErr)
		}
		if srcErr != nil {
			return
		}
		h, err := d.Header()
		if err != nil {
			return
		}
		got, payload, err := DecodeSavedState(EncodeSavedState(h, []byte{1, 2, 3}))
		require.NoError(t, err, "a parsed description's header encodes")
		got.PayloadLen, got.CRC32C = 0, 0 // the encoding's, of the payload
		require.Equal(t, h, got)
		require.Equal(t, []byte{1, 2, 3}, payload)
		if dstErr != nil {
			return
		}
		if err := CheckCompatible(h, caps, Where{Phase: PhasePrecheck}); err != nil {
			var ie *IncompatibleError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.NotEmpty(t, ie.Mismatches)
		}
	})
}

// requireLocated checks that an error about a value of a description
// names its line and column, and a value of the wrong type its path.
func requireLocated(t *testing.T, err error) {
	var de *descError
	if errors.As(err, &de) {
		require.Regexp(t, `description: line \d+, column \d+: `, err.Error())
	}
	// A value of the wrong type is named by its own path, with list
	// indexes, where it starts: never by the decoder's struct fields.
	if strings.Contains(err.Error(), "got JSON") {
		require.NotContains(t, err.Error(), "Go struct field")
		require.Regexp(t, `description: line \d+, column \d+( \(byte offset \d+\))?: `, err.Error())
	}
}

// FuzzParseAllowed: an allowed entry of any type either parses or is an
// error quoting it, and what parses prints (String; a str entry as
// itself) back to an entry that parses to the same.
func FuzzParseAllowed(f *testing.F) {
	for _, tc := range []struct {
		t ParamType
		s string
	}{
		{ParamInt, "8"}, {ParamInt, "1-4"}, {ParamInt, "-3--1"}, {ParamInt, "-9223372036854775808"}, {ParamInt, "4-1"},
		{ParamInt, "-"}, {ParamInt, "1-"}, {ParamBool, "true"}, {ParamBool, "false"}, {ParamBool, "1"},
		{ParamStr, "four"}, {ParamStr, ""}, {0, "x"}, {9, "1"},
	} {
		f.Add(uint8(tc.t), tc.s)
	}
	f.Fuzz(func(t *testing.T, pt uint8, s string) {
		a, err := ParseAllowed(ParamType(pt), s)
		if err != nil {
			require.Contains(t, err.Error(), "devctx: allowed ")
			return
		}
		require.Equal(t, ParamType(pt), a.Lo.Type)
		require.Equal(t, a.Lo.Type, a.Hi.Type)
		text := a.String()
		if a.Lo.Type == ParamStr {
			text = a.Lo.Str
		}
		again, err := ParseAllowed(ParamType(pt), text)
		require.NoError(t, err, "%q prints as %q", s, text)
		require.Equal(t, a, again)
	})
}

// FuzzParseCompatNames: parameter types and feature names parse or are
// refused, and what parses prints back (ParamType.String, FeatureName) to
// what parses to the same.
func FuzzParseCompatNames(f *testing.F) {
	for _, s := range []string{"bool", "int", "str", "type(4)", "", "VIRTIO_NET_F_MQ", "VIRTIO_F_VERSION_1", "FEATURE_5",
		"VIRTIO_BLK_F_SIZE_MAX", "63", "64", "-1", "+3", "0x3"} {
		f.Add(uint8(0), s)
		f.Add(uint8(1), s)
		f.Add(uint8(2), s)
	}
	models := []string{ModelNet, ModelBlk, "vendor/x"}
	f.Fuzz(func(t *testing.T, which uint8, s string) {
		switch which % 4 {
		case 0:
			pt, err := ParseParamType(s)
			if err != nil {
				require.Contains(t, err.Error(), "unknown parameter type")
				return
			}
			require.True(t, pt.Valid())
			require.Equal(t, s, pt.String())
		default:
			model := models[which%4-1]
			b, ok := ParseFeature(model, s)
			if !ok {
				return
			}
			require.True(t, b >= 0 && b <= 63, "bit %d", b)
			again, ok := ParseFeature(model, FeatureName(model, b))
			require.True(t, ok)
			require.Equal(t, b, again, "%s bit %d is named %s", model, b, FeatureName(model, b))
		}
	})
}

// FuzzJSONLocate: finding the value at a JSON path never panics; a value
// found in a valid document starts a whole JSON value there.
func FuzzJSONLocate(f *testing.F) {
	for _, d := range exampleFiles(f, "*.json") {
		f.Add(d, "models", 0, "params")
		f.Add(d, "params", 1, "value")
	}
	f.Add([]byte(`{"a": [1, {"b": 2}]}`), "a", 1, "b")
	f.Add([]byte(`[`), "", 0, "")
	f.Fuzz(func(t *testing.T, data []byte, k1 string, i int, k2 string) {
		for _, path := range [][]any{nil, {k1}, {k1, i}, {k1, i, k2}, {i}} {
			off, ok := valueOffset(data, path)
			if !ok {
				continue
			}
			require.True(t, off >= 0 && off < int64(len(data)), "offset %d of %d bytes", off, len(data))
			if json.Valid(data) {
				var v any
				require.NoError(t, json.NewDecoder(bytes.NewReader(data[off:])).Decode(&v), "path %v at %d", path, off)
			}
		}
	})
}

// FuzzJSONInteger: an integer literal reads as strconv reads it, within
// the bounds, or is refused; nothing else reads.
func FuzzJSONInteger(f *testing.F) {
	for _, s := range []string{"0", "-1", "65535", "65536", "4.5", "1e3", `"3"`, "99999999999999999999", "-9223372036854775808", "", "-", "null", " 7 "} {
		f.Add(s, int64(0), int64(65535))
	}
	f.Fuzz(func(t *testing.T, s string, lo, hi int64) {
		n, err := jsonInteger(json.RawMessage(s), lo, hi)
		want, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			require.True(t, perr != nil || want < lo || want > hi || strings.ContainsAny(s, "+"), "%q refused: %v", s, err)
			return
		}
		require.NoError(t, perr, "%q read as %d", s, n)
		require.Equal(t, want, n)
		require.True(t, lo <= n && n <= hi)
	})
}
