package hv

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/hv/devimpl"
)

// FuzzParseHVWords runs the hypervisor's word parsers on s (which picks
// one, modulo 5): parseMode in each edition and devimpl.ParseParamValue for each
// parameter type. Never a panic; what parses prints back (the edition's
// mode name, the value's own text) to the same.
func FuzzParseHVWords(f *testing.F) {
	for _, s := range []string{"Active", "stop", "FREEZE", "running", "stopped", "3", "0x7", "256", "on", "off", "yes", "1",
		"-12", "+4", "007", "9223372036854775808", "four", ""} {
		for w := range 5 {
			f.Add(uint8(w), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, s string) {
		switch w := which % 5; w {
		case 0, 1:
			ed := spec.Editions[w]
			m, ok := parseMode(ed, s)
			if !ok {
				return
			}
			if _, err := scenario.ParseNumber(s, 0, math.MaxUint8); err == nil && ed == spec.Draft2023 {
				return // a number (the scenario language's) is sent as it is, reserved modes included
			}
			again, ok := parseMode(ed, ed.ModeName(m))
			require.True(t, ok, "%s mode %q is named %q", ed, s, ed.ModeName(m))
			require.Equal(t, m, again)
		default:
			p := compat.ParamCaps{Name: "p", Type: compat.ParamType(w - 1)}
			v, err := devimpl.ParseParamValue(p, s)
			if err != nil {
				require.Contains(t, err.Error(), "p="+s+": want ")
				return
			}
			require.Equal(t, p.Type, v.Type)
			text := s
			switch p.Type {
			case compat.ParamBool:
				text = strconv.FormatBool(v.Bool)
			case compat.ParamInt:
				text = strconv.FormatInt(v.Int, 10)
			}
			again, err := devimpl.ParseParamValue(p, text)
			require.NoError(t, err, "%q prints as %q", s, text)
			require.Equal(t, v, again)
		}
	})
}
