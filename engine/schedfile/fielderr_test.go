package schedfile

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParse_FieldErrorsHaveOffsets: a value the decoder accepts but the
// schedule refuses (a seed that is no uint64, a negative index, a step
// count that is not the choices', a wrong checksum, …) is named by its
// field and by the byte offset of its value, as a value of the wrong JSON
// kind is, so that a file edited by hand can be mended where it is wrong.
// Each case edits a real format-3 schedule (no from: writes its seed as a
// JSON number) and reseals it where the edit leaves a schedule a writer
// could seal (a seed it cannot read is refused before the checksum is
// compared); the offset must point at the edited value.
func TestParse_FieldErrorsHaveOffsets(t *testing.T) {
	_, v3, _ := scheduleSeeds(t)
	cases := []struct {
		name, from, to string
		path, want     string // want: the value at the offset starts so
		reseal         bool
	}{
		{"seed a number", "", "", "seed", `12`, false},
		{"seed not decimal", `"seed": "`, `"seed": "x`, "seed", `"x`, false},
		{"base seed not decimal", `"base_seed": "1"`, `"base_seed": "0x1"`, "base_seed", `"0x1"`, false},
		{"negative index", `"index": 0`, `"index": -3`, "index", `-3`, true},
		{"steps mismatch", `"steps": 1`, `"steps": 7`, "steps", `7`, true},
		{"empty scenario", `"scenario": "compat-net-mq8-to-4"`, `"scenario": ""`, "scenario", `""`, true},
		{"bad strategy", `"strategy": "`, `"strategy": "zz`, "strategy", `"zz`, true},
		{"bad trace hash", `"trace_hash": "`, `"trace_hash": "q`, "trace_hash", `"q`, true},
		{"edited after sealing", `"module": "devel"`, `"module": "edited"`, "checksum", `"`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.from != "" {
				require.Equal(t, 1, bytes.Count(v3, []byte(c.from)), "the edit is unambiguous")
			}
			in := bytes.Replace(v3, []byte(c.from), []byte(c.to), 1)
			if c.from == "" {
				in = numberSeed(t, v3)
			}
			if c.reseal {
				var ok bool
				in, ok = Reseal(in)
				require.True(t, ok)
			}
			_, err := Parse(in)
			require.Error(t, err)
			var fe *fieldError
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, c.path, fe.path)
			require.GreaterOrEqual(t, fe.off, int64(0), "%v", err)
			assert.True(t, bytes.HasPrefix(in[fe.off:], []byte(c.want)), "%v: at the offset: %.20q", err, in[fe.off:])
			assert.Contains(t, err.Error(), "(byte offset ")
		})
	}
	// Validate, with no file, has no offset to give.
	s, err := Parse(v3)
	require.NoError(t, err)
	s.Index = -1
	assert.NotContains(t, s.Validate().Error(), "byte offset")
}

// numberSeed is v3 with its seed written as a JSON number, which format 3
// refuses (its seeds are strings of decimal digits).
func numberSeed(t *testing.T, v3 []byte) []byte {
	t.Helper()
	i := bytes.Index(v3, []byte(`"seed": "`))
	require.GreaterOrEqual(t, i, 0)
	j := i + len(`"seed": "`)
	k := bytes.IndexByte(v3[j:], '"')
	require.GreaterOrEqual(t, k, 0)
	return append(append(append([]byte{}, v3[:i]...), []byte(`"seed": 12`)...), v3[j+k+1:]...)
}
