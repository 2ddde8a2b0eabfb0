package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVFDevice(t *testing.T) {
	net := []Arg{{Key: "vf-device", Value: "net"}}
	blk := []Arg{{Key: "vf-device", Value: "blk"}}
	other := []Arg{{Key: "src-impl", Value: "future"}}
	cases := []struct {
		name     string
		settings [][]Arg
		want     string
	}{
		{"none", nil, "blk"},
		{"other settings only", [][]Arg{other}, "blk"},
		{"the scenario's", [][]Arg{net, other}, "net"},
		{"the expect line's overrides the scenario's", [][]Arg{net, blk}, "blk"},
		{"an expect line's alone", [][]Arg{nil, net}, "net"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, VFDevice(c.settings...))
		})
	}
}
