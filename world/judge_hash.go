package world

import "github.com/migsim/migsim/internal/deephash"

// JudgeHash implements engine.JudgeHasher: what the world's checks keep
// from one step to the next beyond the state hash (StateHash), so that a
// step run from two decisions with equal state and judge hashes is judged
// the same way. That is every host's whole record of its members
// (ownerview.Record.JudgeHash: the images read, the size-query watch,
// reset counts, which the state hash leaves out) and what the oracles keep
// of their own (observe.Set.StateHash). ok is false when an oracle keeps
// state it does not hash, or a planted owner fault (WorldConfig.OwnerFault)
// may keep state of its own. The records keep their members' hashes
// until they change (ownerview.Record.JudgeHash); fresh recomputes them.
func (w *World) JudgeHash() (uint64, bool) { return w.judgeHash(false) }

func (w *World) judgeHash(fresh bool) (uint64, bool) {
	if w.cfg.OwnerFault != nil {
		return 0, false
	}
	h, ok := w.feed.Set.StateHash()
	if !ok {
		return 0, false
	}
	h = deephash.Mix(h, uint64(len(w.hosts)))
	for _, host := range w.hosts {
		h = deephash.Mix(h, host.truth.JudgeHashOf(fresh))
	}
	return h, true
}
