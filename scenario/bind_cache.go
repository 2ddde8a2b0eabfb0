package scenario

import (
	"unsafe"

	"github.com/migsim/migsim/internal/slotcache"
	"github.com/migsim/migsim/spec"
)

// The world binds each operation every time it runs one (VerbTable.Bind,
// Bind), on every run of a target: the same few operations of one
// scenario, bound to the same verbs in the same context. bound keeps the
// values of the bindings that succeeded, for the process: a slot is read
// and replaced whole without a lock (internal/slotcache), so jobs share
// it. A binding is a function of the verb (or verb table and edition), the
// operation's verb and argument words and the context: the key names the
// verb and the arrays by address, and a hit also compares the argument
// words with the ones the values were bound from, so that an operation
// whose words were rewritten in place is bound again. Positions are left
// out: they only place errors, and failures are not kept. The values are
// shared by every binding that finds them; Values has no method that
// changes them.

// bindKey is what a binding is made of.
type bindKey struct {
	// verbs is the verb (Bind: n = −1) or the first verb of the table
	// (VerbTable.Bind: n verbs) the operation is bound against.
	verbs *VerbSpec
	n     int
	ed    spec.Edition
	verb  string
	args  *Arg
	nargs int
	// The context: counts and the host list's array.
	vfs, queues int
	hosts       *string
	nhosts      int
}

// boundEntry is a kept binding: the argument words it was bound from and
// its values.
type boundEntry struct {
	words []argWords
	vals  Values
}

// argWords are an argument's key and value.
type argWords struct{ key, value string }

// boundSlots is how many bindings bound keeps (a direct-mapped table): a
// scenario binds a few dozen operations, and two that share a slot evict
// each other on every run, so the table is large enough for a collision to
// be rare.
const boundSlots = 4096

var bound = slotcache.New[bindKey, *boundEntry](boundSlots)

func newBindKey(verbs *VerbSpec, n int, ed spec.Edition, op Op, ctx Context) bindKey {
	return bindKey{verbs: verbs, n: n, ed: ed, verb: op.Verb, args: unsafe.SliceData(op.Args), nargs: len(op.Args),
		vfs: ctx.VFs, queues: ctx.Queues, hosts: unsafe.SliceData(ctx.Hosts), nhosts: len(ctx.Hosts)}
}

// slot is k's slot in bound: a multiplicative hash of the addresses (the
// verb's name by its bytes' address: operations without arguments differ
// only there) and counts. Addresses vary from process to process: only
// which bindings are kept does, never their values.
func (k bindKey) slot() uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(uintptr(unsafe.Pointer(k.verbs))) ^ uint64(uintptr(unsafe.Pointer(unsafe.StringData(k.verb))))*m
	h = (h^uint64(uintptr(unsafe.Pointer(k.args))))*m + uint64(k.nargs)
	h = (h^uint64(k.n)^uint64(k.ed)<<32)*m + uint64(uintptr(unsafe.Pointer(k.hosts)))
	h = (h ^ uint64(k.vfs)<<16 ^ uint64(k.queues)) * m
	return (h >> 32) % boundSlots
}

// keptBinding returns the kept values of k, if its slot holds them and
// op's argument words are still the ones they were bound from.
func keptBinding(k bindKey, op Op) (Values, bool) {
	e, ok := bound.Get(k.slot(), k)
	if !ok || len(e.words) != len(op.Args) {
		return Values{}, false
	}
	for i, a := range op.Args {
		if e.words[i].key != a.Key || e.words[i].value != a.Value {
			return Values{}, false
		}
	}
	return e.vals, true
}

// keepBinding keeps v, the values op was bound to under k.
func keepBinding(k bindKey, op Op, v Values) {
	words := make([]argWords, len(op.Args))
	for i, a := range op.Args {
		words[i] = argWords{a.Key, a.Value}
	}
	bound.Put(k.slot(), k, &boundEntry{words: words, vals: v})
}
