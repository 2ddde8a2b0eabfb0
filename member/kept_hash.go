package member

import (
	"github.com/migsim/migsim/internal/deephash"
)

// PartHasher hashes the parts a core's state hash is made of
// (Core.PartsHash): the hashing rules of whoever hashes the state (what
// it leaves to its shared state, package world/devhash).
type PartHasher interface {
	// Key names the rules: a part's kept hash is read back only by a
	// hasher of the same key (never 0).
	Key() uint64
	// Regs hashes the core without its queues and its backend: the
	// register file, configuration space, MSI-X table, mode, pending
	// operations, latched context and held replies.
	Regs(c *Core) uint64
	// Queue hashes one queue (q points to it); Backend the backend.
	Queue(q any) uint64
	Backend(b Backend) uint64
}

// partMemo keeps the hash of one part of a core — a queue, the backend —
// until the part changes. Every write to a queue goes through
// state.queue, which forgets that queue's; every call into the backend
// through state.backend, which forgets the backend's. A copy of the world
// copies each with the part it describes; state.clone keeps the queues'
// and drops the backend's (a backend's Clone need not copy all it holds);
// a state built anew (newState) keeps none. The hashes leave it out
// (package world/devhash). TestPartsHash_MatchesFresh compares the kept
// hashes with fresh ones after every member event of pct runs of the
// catalog, world's TestStateMemos_Fresh at every decision of runs of its
// rows.
type partMemo struct {
	sum uint64
	// key is the PartHasher's Key that computed sum; 0: nothing kept.
	key uint64
}

// kept returns the hash m keeps for h; ok is false when it keeps none,
// or fresh (a fresh hash reads no memo).
func (m *partMemo) kept(h PartHasher, fresh bool) (sum uint64, ok bool) {
	return m.sum, !fresh && m.key == h.Key()
}

// keep keeps sum, computed by h, unless fresh (a fresh hash keeps no
// memo), and returns it.
func (m *partMemo) keep(h PartHasher, fresh bool, sum uint64) uint64 {
	if !fresh {
		*m = partMemo{sum: sum, key: h.Key()}
	}
	return sum
}

// queue returns queue i to be written: it forgets the queue's kept hash.
// Every write to a queue (its registers, indices, flags and the requests
// it took) goes through it; reads may index s.queues.
func (s *state) queue(i int) *queueState {
	q := &s.queues[i]
	q.memo = partMemo{}
	return q
}

// backend returns the backend to be called: it forgets the backend's
// kept hash, as any call may change it. Only the hash reads s.dev without
// it.
func (s *state) backend() Backend {
	s.devMemo = partMemo{}
	return s.dev
}

// partsTag starts the hash of a core built from its parts.
const partsTag = 0xc0de9a27

// PartsHash is the core's state hash made of the hashes of its parts: its
// registers and everything but its queues and backend (h.Regs, computed
// each time), each queue and the backend (h.Part, kept until written:
// partMemo). Equal cores hash equal and, but for collisions of the parts'
// hashes, different ones apart. fresh computes every part and reads and
// keeps no memo: what a check of the memos compares with.
func (d *Core) PartsHash(h PartHasher, fresh bool) uint64 {
	v := deephash.Mix(partsTag, h.Regs(d))
	v = deephash.Mix(v, uint64(len(d.st.queues)))
	for i := range d.st.queues {
		q := &d.st.queues[i]
		sum, ok := q.memo.kept(h, fresh)
		if !ok {
			sum = q.memo.keep(h, fresh, h.Queue(q))
		}
		v = deephash.Mix(v, sum)
	}
	sum, ok := d.st.devMemo.kept(h, fresh)
	if !ok {
		sum = d.st.devMemo.keep(h, fresh, h.Backend(d.st.dev))
	}
	return deephash.Mix(v, sum)
}
