package owner

import (
	"iter"
	"slices"

	"github.com/migsim/migsim/member"
)

// tablePage is how many members one page of a memberTable holds.
const tablePage = 256

// memberTable maps VF numbers (1..65535) to the members built so far. It is
// paged: a page of 256 slots is allocated when the first VF in it is built,
// so enabling VFs allocates nothing, a touched VF costs one 16-byte slot (a
// map costs about 100 bytes an entry), and a lookup is two indexations
// whatever the number of members. The built VF numbers are also kept in
// order, so walking the members costs the members built, not the pages.
type memberTable struct {
	pages [0x10000 / tablePage]*[tablePage]member.Device
	vfs   []uint16
}

// get returns VF vf's member, nil when it was not built.
func (t *memberTable) get(vf uint16) member.Device {
	if p := t.pages[vf/tablePage]; p != nil {
		return p[vf%tablePage]
	}
	return nil
}

// put stores VF vf's member (not nil).
func (t *memberTable) put(vf uint16, m member.Device) {
	p := t.pages[vf/tablePage]
	if p == nil {
		p = new([tablePage]member.Device)
		t.pages[vf/tablePage] = p
	}
	if p[vf%tablePage] == nil {
		i, _ := slices.BinarySearch(t.vfs, vf)
		t.vfs = slices.Insert(t.vfs, i, vf)
	}
	p[vf%tablePage] = m
}

// len is the number of members built.
func (t *memberTable) len() int { return len(t.vfs) }

// clear drops every member.
func (t *memberTable) clear() { *t = memberTable{} }

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
