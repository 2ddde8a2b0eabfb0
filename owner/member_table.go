package owner

import (
	"iter"
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// tablePage is how many members one page of a memberTable holds.
const tablePage = 256

// memberTable maps VF numbers (1..65535) to the members built so far. It is
// paged: page i holds VFs i*256 .. i*256+255 and is only as long as its
// highest VF built, and there are only as many pages as the highest VF
// built needs. So enabling VFs allocates nothing, building VF 1 costs a few
// dozen bytes, a built VF costs about one 16-byte slot (a map costs about
// 100 bytes an entry), and a lookup is two indexations whatever the number
// of members. The built VF numbers are also kept in order, so walking the
// members costs the members built, not the pages.
type memberTable struct {
	pages [][]member.Device
	vfs   []uint16
	// watch, reached and cleared are what PF.WatchMembers asked for: while
	// watch is set, the members the PF hands an event, each once with its
	// mode before the first, and whether the table was cleared. Not state:
	// a state hash leaves the table out, and the footprint guard sets and
	// reads them around one event.
	watch   bool
	reached []ReachedMember
	cleared bool
	// touched and touchedAll are what PF.Touched drains: the members the
	// PF handed an event since the last drain (a member may be listed
	// twice), and whether the table was cleared or the list overflowed
	// (maxTouched). Not state either: the state hasher forgets the kept
	// hashes of these members after an event, and of every member when
	// touchedAll is set.
	touched    []uint16
	touchedAll bool
}

// maxTouched bounds the members listed between two drains (PF.Touched);
// past it the table says every member may have changed. An event hands
// events to one member or two; only a caller that never drains (a host
// booted inline) reaches it.
const maxTouched = 64

// ReachedMember is a member a watched PF event handed an event to
// (PF.WatchMembers), with its mode before the first.
type ReachedMember struct {
	VF   int
	Mode spec.Mode
}

// note records that the PF hands member vf (m) an event: for Touched
// always, for WatchMembers while watched.
func (t *memberTable) note(vf uint16, m member.Device) {
	if !t.touchedAll && (len(t.touched) == 0 || t.touched[len(t.touched)-1] != vf) {
		if len(t.touched) == maxTouched {
			t.touched, t.touchedAll = t.touched[:0], true
		} else {
			t.touched = append(t.touched, vf)
		}
	}
	if !t.watch || slices.ContainsFunc(t.reached, func(r ReachedMember) bool { return r.VF == int(vf) }) {
		return
	}
	t.reached = append(t.reached, ReachedMember{VF: int(vf), Mode: m.Status().Mode})
}

// get returns VF vf's member, nil when it was not built.
func (t *memberTable) get(vf uint16) member.Device {
	i, j := int(vf/tablePage), int(vf%tablePage)
	if i < len(t.pages) && j < len(t.pages[i]) {
		return t.pages[i][j]
	}
	return nil
}

// put stores VF vf's member (not nil).
func (t *memberTable) put(vf uint16, m member.Device) {
	i, j := int(vf/tablePage), int(vf%tablePage)
	if i >= len(t.pages) {
		t.pages = append(t.pages, make([][]member.Device, i+1-len(t.pages))...)
	}
	p := t.pages[i]
	if j >= len(p) {
		p = append(p, make([]member.Device, j+1-len(p))...)
		t.pages[i] = p
	}
	if p[j] == nil {
		k, _ := slices.BinarySearch(t.vfs, vf)
		t.vfs = slices.Insert(t.vfs, k, vf)
	}
	p[j] = m
}

// len is the number of members built.
func (t *memberTable) len() int { return len(t.vfs) }

// clear drops every member.
func (t *memberTable) clear() {
	*t = memberTable{watch: t.watch, reached: t.reached, cleared: t.watch, touched: t.touched[:0], touchedAll: true}
}

// all yields the built members in VF order.
func (t *memberTable) all() iter.Seq2[int, member.Device] {
	return func(yield func(int, member.Device) bool) {
		for _, vf := range t.vfs {
			if !yield(int(vf), t.get(vf)) {
				return
			}
		}
	}
}
