package mutants_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
)

// TestMutantsSetWrapOrBuild: every mutant of the library sets exactly one
// of Wrap and Build, so its Factory builds devices; one that sets neither
// or both makes Factory panic with a message naming it, not with a call of
// a nil function when a device is built.
func TestMutantsSetWrapOrBuild(t *testing.T) {
	for _, m := range mutants.All() {
		assert.True(t, (m.Wrap == nil) != (m.Build == nil), "%s sets Wrap %t and Build %t", m.Name, m.Wrap != nil, m.Build != nil)
		assert.NotPanics(t, func() { m.Factory(blk.New) }, m.Name)
	}
	wrap := func(_ member.Config, d member.Device) member.Device { return d }
	build := func(c member.Config, inner member.Factory) member.Device { return inner(c) }
	for _, tc := range []struct {
		name string
		m    mutants.Mutant
	}{
		{"neither", mutants.Mutant{Name: "neither"}},
		{"both", mutants.Mutant{Name: "both", Wrap: wrap, Build: build}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.PanicsWithValue(t, `mutants: mutant "`+tc.name+`" must set exactly one of Wrap and Build`, func() { tc.m.Factory(blk.New) })
		})
	}
}

// TestMutantsNetDocSaysSo: a virtio-net mutant's one-line doc begins with
// "virtio-net", and no other's does: migsim conform --list prints the doc,
// and its help tells a user that such a mutant wraps builtin:net.
func TestMutantsNetDocSaysSo(t *testing.T) {
	for _, m := range mutants.All() {
		assert.Equal(t, m.Device == mutants.DeviceNet, strings.HasPrefix(m.Doc, "virtio-net"), "%s (device %q): %s", m.Name, m.Device, m.Doc)
	}
}
