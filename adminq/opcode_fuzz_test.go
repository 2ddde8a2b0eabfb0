package adminq

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// FuzzParseOpcode: an opcode given by name or number parses or is an error
// naming the edition; what parses reads the same from its number and, for
// a command the edition has, from its name in any case.
func FuzzParseOpcode(f *testing.F) {
	for i, ed := range spec.Editions {
		for _, cs := range Commands(ed) {
			f.Add(uint8(i), cs.Name)
			f.Add(uint8(i), strings.ToLower(cs.Name))
		}
		for _, s := range []string{"0x0", "65535", "65536", "0b101", "0o17", "-1", "", "DEV_MODE", "1_000"} {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, s string) {
		ed := spec.Editions[int(which)%len(spec.Editions)]
		op, err := ParseOpcode(ed, s)
		if err != nil {
			require.Contains(t, err.Error(), fmt.Sprintf("adminq: unknown %s opcode", ed))
			return
		}
		again, err := ParseOpcode(ed, fmt.Sprintf("%#x", op))
		require.NoError(t, err)
		require.Equal(t, op, again)
		for _, cs := range Commands(ed) {
			if strings.EqualFold(cs.Name, s) {
				require.Equal(t, cs.Opcode, op, "%s is %s", s, cs.Name)
			}
		}
	})
}
