// Package devhash says how a world's devices are hashed for state
// hashing: every field (internal/deephash), a PF without its member table
// (the members are hashed on their own, and which exist is not the PF
// function's state), a member without the context digest and the hashes
// of its parts it keeps (not state: copies of what the rest of it
// encodes, kept or not depending on whether they were asked for; a
// member.Core is hashed from its parts, Hashers.MemberHash), and neither walking what the world hashes as shared
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
// without its members, Member a member device whole (MemberHash hashes a
// member.Core by its parts instead).
type Hashers struct {
	PF, Member deephash.Hasher
	// regs hashes a member.Core without its queues and backend, queue
	// and backend each of those (member.PartHasher); key names the rules.
	regs, queue, backend deephash.Hasher
	key                  uint64
}

var (
	diskType = reflect.TypeOf(blk.Disk{})
	portType = reflect.TypeOf(membernet.Port{})
	linkType = reflect.TypeOf(membernet.Link{})
	// memberTableType is the type of owner.PF's table of members.
	memberTableType = fieldType(reflect.TypeOf(owner.PF{}), "memberTable")
	// spareType is the type of the arrays owner.PF keeps for the next
	// event's effects (owner.Config.ReuseEffects): not state.
	spareType = fieldType(reflect.TypeOf(owner.PF{}), "effectArrays")
	// digestCacheType is the type of member.Core's kept context digest.
	digestCacheType = fieldType(reflect.TypeOf(member.Core{}), "digestCache")
	// coreState is the type of member.Core's state; queuesType that of
	// its queues, partMemoType the type of the hashes the core keeps of
	// its parts (member.PartHasher).
	coreState    = fieldNamed(reflect.TypeOf(member.Core{}), "st")
	queuesType   = fieldNamed(coreState, "queues")
	partMemoType = fieldNamed(coreState, "devMemo")
	backendType  = reflect.TypeFor[member.Backend]()
)

// fieldNamed returns the type of struct t's field name.
func fieldNamed(t reflect.Type, name string) reflect.Type {
	f, ok := t.FieldByName(name)
	if !ok {
		panic("devhash: " + t.String() + " has no field " + name)
	}
	return f.Type
}

// fieldType finds the type named name of one of struct t's fields.
func fieldType(t reflect.Type, name string) reflect.Type {
	for i := range t.NumField() {
		if t.Field(i).Type.Name() == name {
			return t.Field(i).Type
		}
	}
	panic("devhash: " + t.String() + " has no " + name + " field")
}

// cacheKey names one set of skip rules: pf leaves a PF's member table
// out, regs a core's queues and backend.
type cacheKey struct {
	worldPkg      string
	pf, net, regs bool
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
	member := cacheKey{worldPkg: worldPkg, net: net}
	regs := member
	regs.regs = true
	hs := Hashers{PF: cache(cacheKey{worldPkg: worldPkg, pf: true, net: net}).Hasher(), Member: cache(member).Hasher(),
		regs: cache(regs).Hasher(), queue: cache(member).Hasher(), backend: cache(member).Hasher()}
	for _, h := range []*deephash.Hasher{&hs.PF, &hs.Member, &hs.regs, &hs.queue, &hs.backend} {
		h.Reflective = reflective
	}
	// The rules: what is left out, and the walk (a reflective hasher is
	// the reference the compiled walk is checked against, so it never
	// reads a part's hash the compiled walk kept).
	hs.key = deephash.Mix(deephash.Mix(deephash.String(0x9a27, worldPkg), bit(net)), bit(reflective)) | 1
	return hs
}

func bit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// MemberHash hashes member m: a member.Core by the hashes of its parts,
// those it keeps read back unless fresh (member.Core.PartsHash), any
// other member whole (Member).
func (hs *Hashers) MemberHash(m member.Device, fresh bool) uint64 {
	if c, ok := m.(*member.Core); ok {
		return c.PartsHash(hs, fresh)
	}
	return hs.Member.Hash(m)
}

// Key implements member.PartHasher: the rules of these hashers.
func (hs *Hashers) Key() uint64 { return hs.key }

// Regs implements member.PartHasher.
func (hs *Hashers) Regs(c *member.Core) uint64 { return hs.regs.Hash(c) }

// Queue implements member.PartHasher.
func (hs *Hashers) Queue(q any) uint64 { return hs.queue.Hash(q) }

// Backend implements member.PartHasher.
func (hs *Hashers) Backend(b member.Backend) uint64 { return hs.backend.Hash(b) }

func cache(k cacheKey) *deephash.Cache {
	if c, ok := caches.Load(k); ok {
		return c.(*deephash.Cache)
	}
	c, _ := caches.LoadOrStore(k, deephash.NewCache(func(t reflect.Type) bool { return skip(k, t) }))
	return c.(*deephash.Cache)
}

// skip reports whether the hashers of k leave type t out.
func skip(k cacheKey, t reflect.Type) bool {
	if k.pf && t == memberTableType || t == spareType || t == digestCacheType || t == partMemoType ||
		k.regs && (t == queuesType || t == backendType) {
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() == k.worldPkg || t == diskType || k.net && (t == portType || t == linkType)
}
