// Package devhash says how a world's devices are hashed for state
// hashing: every field (internal/deephash), a PF without its member table
// (the members are hashed on their own, and which exist is not the PF
// function's state), a member without the context digest it keeps (not
// state: a copy of what the rest of it encodes, kept or not depending on
// whether it was asked for), and neither walking what the world hashes as shared
// state on its own — the world's own types inside devices (ports,
// closures), the disk every host shares and, in a world of virtio-net VFs,
// a member's port and the link the hosts' copies of the VF share (the wire
// and the other copy change it while no event reaches the member, whose
// hash the world keeps until one does).
package devhash

import (
	"reflect"
	"sync"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/owner"
)

// Hashers are one world's device hashers: PF hashes a PF (owner.PF)
// without its members, Member a member device.
type Hashers struct {
	PF, Member deephash.Hasher
}

var (
	diskType = reflect.TypeOf(blk.Disk{})
	portType = reflect.TypeOf(membernet.Port{})
	linkType = reflect.TypeOf(membernet.Link{})
	// memberTableType is the type of owner.PF's table of members.
	memberTableType = fieldType(reflect.TypeOf(owner.PF{}), "memberTable")
	// digestCacheType is the type of member.Core's kept context digest.
	digestCacheType = fieldType(reflect.TypeOf(member.Core{}), "digestCache")
)

// fieldType finds the type named name of one of struct t's fields.
func fieldType(t reflect.Type, name string) reflect.Type {
	for i := range t.NumField() {
		if t.Field(i).Type.Name() == name {
			return t.Field(i).Type
		}
	}
	panic("devhash: " + t.String() + " has no " + name + " field")
}

// cacheKey names one set of skip rules.
type cacheKey struct {
	worldPkg string
	pf, net  bool
}

// caches keeps the compiled hashers of every set of skip rules across
// worlds (a world hashes for one run).
var caches sync.Map // cacheKey → *deephash.Cache

// New returns the device hashers of a world whose own types are in
// package worldPkg; net for a world of virtio-net VFs, whose members'
// ports and links the world hashes (a net member elsewhere keeps a port
// and link of its own, which its hash walks); reflective walks by
// reflection alone (the reference the compiled walk is checked against).
func New(worldPkg string, net, reflective bool) Hashers {
	hs := Hashers{PF: cache(cacheKey{worldPkg, true, net}).Hasher(), Member: cache(cacheKey{worldPkg, false, net}).Hasher()}
	hs.PF.Reflective, hs.Member.Reflective = reflective, reflective
	return hs
}

func cache(k cacheKey) *deephash.Cache {
	if c, ok := caches.Load(k); ok {
		return c.(*deephash.Cache)
	}
	c, _ := caches.LoadOrStore(k, deephash.NewCache(func(t reflect.Type) bool { return skip(k, t) }))
	return c.(*deephash.Cache)
}

// skip reports whether the hashers of k leave type t out.
func skip(k cacheKey, t reflect.Type) bool {
	if k.pf && t == memberTableType || t == digestCacheType {
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == k.worldPkg || t == diskType || k.net && (t == portType || t == linkType)
}
