package spec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseRules applies the ";"-separated key=value list kvs to an
// edition's defaults: never a panic, an error names the knob or the entry,
// and rules that parse print back (Diff and String) to lists that parse to
// the same rules. The edition's name parses back to it too.
func FuzzParseRules(f *testing.F) {
	// The knobs the catalog's regression files are named by, and every
	// value of every knob.
	f.Add(uint8(0), "flr-vs-mode=complete-anyway;mode-after-flr=keep")
	f.Add(uint8(0), "transitions=strict-chain")
	f.Add(uint8(1), "resume-config-notify=held-only")
	f.Add(uint8(1), "pending-work=carry; stop-config-write = ignore")
	for _, k := range Knobs {
		for _, v := range k.Values {
			f.Add(uint8(0), k.Name+"="+v)
			f.Add(uint8(1), k.Name+"="+v)
			f.Add(uint8(1), "read=full;"+k.Name+"="+v)
		}
	}
	f.Add(uint8(0), "flr-vs-mod=defer-flr")
	f.Add(uint8(1), "flr-vs-mode")
	f.Add(uint8(2), "")
	f.Fuzz(func(t *testing.T, ed uint8, kvs string) {
		e := Editions[int(ed)%len(Editions)]
		again, err := ParseEdition(e.String())
		require.NoError(t, err)
		require.Equal(t, e, again)
		var list []string
		if kvs != "" {
			list = strings.Split(kvs, ";")
		}
		r, err := ParseRules(e, list)
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "spec: knob ") || strings.HasPrefix(err.Error(), "spec: unknown knob "), err.Error())
			return
		}
		fromDiff, err := ParseRules(e, r.Diff(e))
		require.NoError(t, err, "Diff %v", r.Diff(e))
		require.Equal(t, r, fromDiff)
		// String prints every knob; those that do not apply to e are at
		// e's defaults and are not accepted for e.
		def := DefaultRules(e)
		var applied []string
		for _, k := range Knobs {
			if k.AppliesTo(e) {
				applied = append(applied, k.Name+"="+k.Get(r))
			} else {
				require.Equal(t, k.Get(def), k.Get(r), "knob %s does not apply to %s", k.Name, e)
			}
		}
		fromString, err := ParseRules(e, applied)
		require.NoError(t, err, "String %s", r.String())
		require.Equal(t, r, fromString)
		require.Equal(t, r.String(), fromString.String())
	})
}

// FuzzParseEdition: only an edition's own name parses, to that edition.
func FuzzParseEdition(f *testing.F) {
	for _, s := range []string{"draft-2023", "virtio-1.4", "virtio-1.3", "edition-0", "", "Draft-2023"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEdition(s)
		if err != nil {
			require.Contains(t, err.Error(), "spec: unknown edition")
			return
		}
		require.Equal(t, s, e.String())
	})
}
