package deephash

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

type leaf struct {
	b [8]byte
	s []byte
	n int
}

type node struct {
	name  string
	l     *leaf
	again *leaf
	m     map[string]*leaf
	f     func()
	self  *node
	any   any
}

func build(x byte, shared bool) *node {
	l := &leaf{b: [8]byte{x}, s: []byte{1, 2, x}, n: int(x)}
	other := &leaf{b: [8]byte{x}, s: []byte{1, 2, x}, n: int(x)}
	n := &node{name: "n", l: l, again: other, m: map[string]*leaf{"a": {n: 1}, "b": {n: 2}, "c": l}}
	if shared {
		n.again = l
	}
	n.self = n
	n.any = leaf{n: 7}
	return n
}

func TestHash(t *testing.T) {
	base := Hash(build(1, false))
	for _, c := range []struct {
		name string
		v    *node
		same bool
	}{
		{"an equal value built again", build(1, false), true},
		{"sharing a pointer instead of an equal copy", build(1, true), true},
		{"a byte in an array", func() *node { n := build(1, false); n.l.b[7] = 9; return n }(), false},
		{"a byte in a slice", func() *node { n := build(1, false); n.l.s[0] = 9; return n }(), false},
		{"a map entry", func() *node { n := build(1, false); n.m["d"] = &leaf{}; return n }(), false},
		{"a value behind an interface", func() *node { n := build(1, false); n.any = leaf{n: 8}; return n }(), false},
		{"a function (not hashed)", func() *node { n := build(1, false); n.f = func() {}; return n }(), true},
	} {
		assert.Equal(t, c.same, Hash(c.v) == base, c.name)
	}
}

func TestHashSkip(t *testing.T) {
	h := Hasher{Skip: func(t reflect.Type) bool { return t == reflect.TypeOf(&leaf{}) }}
	a, b := build(1, false), build(2, false)
	b.any = a.any
	assert.Equal(t, h.Hash(a), h.Hash(b), "the leaves are skipped")
	assert.NotEqual(t, Hash(a), Hash(b))
}

func TestHashMapOrder(t *testing.T) {
	m := map[int]int{}
	for i := range 100 {
		m[i] = i * i
	}
	first := Hash(m)
	for range 20 {
		assert.Equal(t, first, Hash(m))
	}
}

type selfHashed struct{ big [4096]byte }

func (s *selfHashed) StateHash() uint64 { return uint64(s.big[0]) + 1 }

func TestHashStateHasher(t *testing.T) {
	type holder struct{ p *selfHashed }
	a, b := &selfHashed{}, &selfHashed{}
	b.big[1] = 9 // not in its StateHash
	assert.Equal(t, Hash(holder{a}), Hash(holder{b}), "a StateHasher is hashed by its method")
	b.big[0] = 1
	assert.NotEqual(t, Hash(holder{a}), Hash(holder{b}))
}

func TestPlain(t *testing.T) {
	type packed struct {
		a uint32
		b [4]uint8
	}
	type padded struct {
		a uint8
		b uint32
	}
	for _, c := range []struct {
		v    any
		want bool
	}{
		{packed{}, true},
		{[3]packed{}, true},
		{padded{}, false},
		{[2]padded{}, false},
		{struct{ s string }{}, false},
	} {
		assert.Equal(t, c.want, plain(reflect.TypeOf(c.v)), "%T", c.v)
	}
}

// TestMix_BothArgumentsCount: Mix folds its two arguments apart. With the
// plain finaliser mix (h ^= v first) every pair with the same XOR collided:
// a list [1] whose hash starts from its length hashed like the empty list.
func TestMix_BothArgumentsCount(t *testing.T) {
	pairs := [][2][2]uint64{
		{{1, 1}, {0, 0}},
		{{2, 3}, {3, 2}},
		{{5, 0}, {0, 5}},
		{{0xff, 0x0f}, {0xf0, 0}},
	}
	for _, p := range pairs {
		assert.NotEqual(t, Mix(p[0][0], p[0][1]), Mix(p[1][0], p[1][1]), "Mix%v and Mix%v", p[0], p[1])
	}
}
