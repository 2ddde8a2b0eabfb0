package devhash

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
)

// TestNew_NetPortsAndLinks: in a world of net VFs a member's hash leaves
// its port and link to the world (a frame the link makes does not change
// it); elsewhere a net member's own port and link are part of it.
func TestNew_NetPortsAndLinks(t *testing.T) {
	for _, c := range []struct {
		name  string
		net   bool
		moves bool
	}{{"net world", true, false}, {"blk world", false, true}} {
		t.Run(c.name, func(t *testing.T) {
			link := membernet.NewLink(1, membernet.DefaultMTU)
			port := link.NewPort("src.vf1", membernet.DefaultFIFOFrames)
			dev := membernet.New(member.Config{VF: 1, NumQueues: 3, Backing: port})
			hs := New("example.com/none", c.net, false)
			before := hs.Member.Hash(dev)
			port.Arrive(link.Frame(link.MAC(), 1, -1, 64))
			assert.Equal(t, c.moves, hs.Member.Hash(dev) != before)
			reflective := New("example.com/none", c.net, true)
			assert.Equal(t, hs.Member.Hash(dev), reflective.Member.Hash(dev), "the compiled walk hashes as the reflective one")
		})
	}
}

// TestNew_WorldTypesLeftOut: a type of the world's package inside a device
// is left out (the world hashes what it reaches on its own).
func TestNew_WorldTypesLeftOut(t *testing.T) {
	type inside struct{ n int }
	type device struct {
		own   int
		world *inside
	}
	hs := New(pkgOf(inside{}), false, false)
	a, b := &device{own: 1, world: &inside{1}}, &device{own: 1, world: &inside{2}}
	assert.Equal(t, hs.Member.Hash(a), hs.Member.Hash(b))
	other := New("example.com/none", false, false)
	assert.NotEqual(t, other.Member.Hash(a), other.Member.Hash(b))
}

func pkgOf(v any) string { return reflect.TypeOf(v).PkgPath() }
