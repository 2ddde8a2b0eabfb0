package net_test

import (
	"testing"

	membernet "github.com/migsim/migsim/member/net"
)

// FuzzParseNames: a drop reason's or a direction's name, as an external
// device sends it, reads back as the value whose String it is, or is an
// error; nothing panics.
func FuzzParseNames(f *testing.F) {
	for _, s := range []string{"rx", "tx", "stopped", "tx-gso", "", "RX"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := membernet.ParseDropReason(s); err == nil && r.String() != s {
			t.Fatalf("%q read as %v", s, r)
		}
		if d, err := membernet.ParseDir(s); err == nil && d.String() != s {
			t.Fatalf("%q read as %v", s, d)
		}
	})
}
