package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestProgramVF(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind ActorKind
		args []Arg
		want int
	}{
		{"a guest without vf=", ActorGuest, nil, 1},
		{"a guest on vf=8", ActorGuest, []Arg{{Key: "vf", Value: "8"}}, 8},
		{"a guest on a hex vf=", ActorGuest, []Arg{{Key: "vf", Value: "0x10"}}, 16},
		{"a malformed vf=", ActorGuest, []Arg{{Key: "vf", Value: "x"}}, 0},
		{"vf=0 is out of range", ActorGuest, []Arg{{Key: "vf", Value: "0"}}, 0},
		{"a peer without vf=", ActorPeer, nil, 0},
		{"a peer on vf=2", ActorPeer, []Arg{{Key: "vf", Value: "2"}}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, (&Program{Kind: tc.kind, Args: tc.args}).VF())
		})
	}
}
