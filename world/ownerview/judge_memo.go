package ownerview

import (
	"reflect"

	"github.com/migsim/migsim/internal/deephash"
)

// judgeMemo keeps one member's judge hash (every field of its record, by
// internal/deephash) until the record of the member changes: every method
// that writes a member's record forgets it where it writes (truth, which
// hands out a member's record for a change, settleFLR, and the size
// watch's and a status read's writes). A copy of the record (a copy of
// the world) copies the memo with the fields it describes.
type judgeMemo struct {
	sum uint64
	ok  bool
}

// forget drops the memo: the member's record is being changed.
func (m *judgeMemo) forget() { *m = judgeMemo{} }

// judgeFns keeps the compiled hashers of JudgeHash across records; they
// leave the memos out (a skipped type hashes as its name).
var judgeFns = deephash.NewCache(func(t reflect.Type) bool { return t == reflect.TypeFor[judgeMemo]() })

// JudgeHash hashes the whole record: what StateHash hashes and what the
// record keeps only for the oracles to judge with (the images read, the
// size-query watch, reset counts, when an FLR began, the MSI-X tables as
// written), member by member in VF order, each member's hash kept until its record changes (judgeMemo).
// A step judged from two decisions with equal state hashes and equal
// records is judged the same way (engine.JudgeHasher). It changes nothing
// but the memos.
func (r *Record) JudgeHash() uint64 { return r.judgeHash(true) }

// FreshJudgeHash is JudgeHash computed from the records alone, neither
// reading nor keeping a memo: what a check of the memos compares
// JudgeHash with.
func (r *Record) FreshJudgeHash() uint64 { return r.judgeHash(false) }

// JudgeHashOf is JudgeHash, or FreshJudgeHash when fresh.
func (r *Record) JudgeHashOf(fresh bool) uint64 { return r.judgeHash(!fresh) }

func (r *Record) judgeHash(memo bool) uint64 {
	if r.judge == nil {
		h := judgeFns.Hasher()
		r.judge = &h
	}
	h := deephash.Mix(0x1d9e, uint64(len(r.members)))
	var buf [16]int // the members in VF order, on the stack for a few
	vfs := r.vfsInOrder(buf[:0])
	for _, vf := range vfs {
		t := r.members[vf]
		sum := t.judge.sum
		if !memo || !t.judge.ok {
			sum = r.judge.Hash(t)
			if memo {
				t.judge = judgeMemo{sum: sum, ok: true}
			}
		}
		h = deephash.Mix(deephash.Mix(h, uint64(vf)), sum)
	}
	return r.msixHash(h)
}
