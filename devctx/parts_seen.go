package devctx

// seenSmall is how many selectors a seenSet scans before it needs a map: a
// member's run has four PCI_COMMON_CFG offsets and a few queues.
const seenSmall = 16

// seenSet maps the selectors of one part type (a PCI_COMMON_CFG offset, a
// vq index) to the index of the part that first gave each. The first
// seenSmall selectors live in arrays and are found by a linear scan; later
// ones go to a map, so a long run costs O(1) per part and a member's short
// run allocates nothing.
type seenSet struct {
	n    int
	keys [seenSmall]uint32
	idx  [seenSmall]int
	more map[uint32]int
}

// add records that part idx gives selector k. When an earlier part gave k
// it returns that part's index and true, and records nothing.
func (s *seenSet) add(k uint32, idx int) (int, bool) {
	for i := range s.n {
		if s.keys[i] == k {
			return s.idx[i], true
		}
	}
	if s.n < seenSmall {
		s.keys[s.n], s.idx[s.n] = k, idx
		s.n++
		return 0, false
	}
	if prev, ok := s.more[k]; ok {
		return prev, true
	}
	if s.more == nil {
		s.more = map[uint32]int{}
	}
	s.more[k] = idx
	return 0, false
}
