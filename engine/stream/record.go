package stream

import "math/rand/v2"

// Recorder is told every word the streams of a Recording draw, in the
// order they draw them.
type Recorder interface {
	Drew(id ID, v uint64)
}

// Recording hands out workload and fault streams that tell a Recorder
// every word they draw. It is reused from one run to the next: its
// streams are reseeded for each.
type Recording struct {
	src          [2]recSource
	workload, ft *rand.Rand
}

// recSource is a PCG source that tells its recorder every word it
// produces.
type recSource struct {
	pcg rand.PCG
	id  ID
	rec Recorder
}

// Uint64 draws the next word and records it.
func (s *recSource) Uint64() uint64 {
	v := s.pcg.Uint64()
	s.rec.Drew(s.id, v)
	return v
}

// Set returns recording streams of seed, equal draw for draw to
// NewSet(seed). The recorder is the one the first call was given: the
// streams of every later call are the first call's, reseeded.
func (r *Recording) Set(seed uint64, rec Recorder) Set {
	if r.workload == nil {
		r.src[0] = recSource{id: Workload, rec: rec}
		r.src[1] = recSource{id: Fault, rec: rec}
		r.workload, r.ft = rand.New(&r.src[0]), rand.New(&r.src[1])
	}
	for i := range r.src {
		r.src[i].pcg.Seed(pcgSeed(seed, r.src[i].id))
	}
	return Set{Seed: seed, Workload: r.workload, Fault: r.ft}
}

// Walk reproduces, draw for draw, the raw words a system would draw from
// the workload and fault streams of a seed, without running it.
type Walk struct {
	seed uint64
	init [2]bool
	pcg  [2]rand.PCG
}

// Reset starts the walk over for seed.
func (w *Walk) Reset(seed uint64) { w.seed, w.init = seed, [2]bool{} }

// Next returns the next word stream id draws; ok is false for a stream
// other than the workload and fault streams.
func (w *Walk) Next(id ID) (v uint64, ok bool) {
	i := int(id - Workload)
	if i < 0 || i >= len(w.pcg) {
		return 0, false
	}
	if !w.init[i] {
		w.pcg[i].Seed(pcgSeed(w.seed, id))
		w.init[i] = true
	}
	return w.pcg[i].Uint64(), true
}
