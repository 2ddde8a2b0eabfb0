package net

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestStateHash_LinkAndPort: a port's hash follows what the port holds and
// not its link (hashed on its own, once for the ports that share it); a
// link's hash follows the frames it made.
func TestStateHash_LinkAndPort(t *testing.T) {
	cases := []struct {
		name                 string
		do                   func(l *Link, p *Port)
		linkMoves, portMoves bool
	}{
		{"nothing", func(*Link, *Port) {}, false, false},
		{"a frame made", func(l *Link, _ *Port) { l.Frame(l.MAC(), 1, -1, 64) }, true, false},
		{"a frame arrived", func(l *Link, p *Port) { p.Arrive(l.Frame(l.MAC(), 1, -1, 64)) }, true, true},
		{"link down", func(_ *Link, p *Port) { p.SetLinkUp(false) }, false, true},
		{"an announce asked", func(_ *Link, p *Port) { p.RequestAnnounce() }, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := NewLink(7, DefaultMTU)
			p := l.NewPort("src.vf1", DefaultFIFOFrames)
			p.SetLinkUp(true)
			lh, ph := l.StateHash(), p.StateHash()
			assert.Equal(t, lh, l.StateHash(), "hashing changes nothing")
			c.do(l, p)
			assert.Equal(t, c.linkMoves, l.StateHash() != lh, "link")
			assert.Equal(t, c.portMoves, p.StateHash() != ph, "port")
		})
	}
	// Ports of the same name on two links with different seeds hash alike:
	// the link is not part of a port's hash.
	a, b := NewLink(1, DefaultMTU).NewPort("p", 4), NewLink(2, DefaultMTU).NewPort("p", 4)
	assert.Equal(t, a.StateHash(), b.StateHash())
	assert.NotEqual(t, NewLink(1, DefaultMTU).StateHash(), NewLink(2, DefaultMTU).StateHash())
}
