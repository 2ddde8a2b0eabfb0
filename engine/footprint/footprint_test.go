package footprint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Footprints: writes conflict with reads and writes, reads commute, sets
// of several resources conflict when they share one.
func TestFootprint_Conflicts(t *testing.T) {
	r, w, other := Reads(1), Writes(1), Writes(2)
	page := func(n uint32) Resource { return ResourceID(3, 0, n) }
	dma := New([]Resource{page(7), page(9)}, []Resource{page(4), ResourceID(1, 0, 0)})
	cases := []struct {
		name string
		a, b Footprint
		want bool
	}{
		{"read read", r, r, false},
		{"read write", r, w, true},
		{"write read", w, r, true},
		{"write write", w, w, true},
		{"disjoint writes", w, other, false},
		{"zero", Footprint{}, w, false},
		{"zero zero", Footprint{}, Footprint{}, false},
		{"page read by both", dma, Reads(page(9)), false},
		{"page read, written", dma, Writes(page(9), page(100)), true},
		{"page written, read", Reads(page(0), page(4)), dma, true},
		{"other host's page", dma, Writes(ResourceID(3, 1, 4)), false},
		{"same value", dma, dma, true},
		{"same read-only value", Reads(1, 2), Reads(1, 2), false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.a.Conflicts(tc.b), tc.name)
		assert.Equal(t, tc.want, tc.b.Conflicts(tc.a), tc.name+" (swapped)")
	}
}

// Sets are sorted and deduplicated; Union merges; String names them.
func TestFootprint_Sets(t *testing.T) {
	f := New([]Resource{9, 2, 9}, []Resource{5, 1, 5})
	assert.Equal(t, []Resource{2, 9}, f.Reads())
	assert.Equal(t, []Resource{1, 5}, f.Writes())
	assert.Equal(t, "r{2,9} w{1,5}", f.String())
	assert.True(t, New(nil, []Resource{}).IsZero())
	assert.Equal(t, "-", Footprint{}.String())
	u := f.Union(Writes(0xa)).Union(Footprint{})
	assert.Equal(t, "r{2,9} w{1,5,a}", u.String())
	assert.Equal(t, f, Footprint{}.Union(f))
	assert.Equal(t, Resource(0x03_000001_00000007), ResourceID(3, 1, 7))
	assert.Equal(t, Resource(0xff_ffffff_00000000), ResourceID(0xff, 0xffffffff, 0))
}

// Comparing and copying footprints allocate nothing.
func TestFootprint_ConflictsAllocatesNothing(t *testing.T) {
	a := New([]Resource{1, 3, 5, 7}, []Resource{2, 4})
	b := New([]Resource{2, 8}, []Resource{6})
	fs := []Footprint{a, b}
	var buf []Footprint
	n := testing.AllocsPerRun(100, func() {
		buf = append(buf[:0], fs...)
		_ = buf[0].Conflicts(buf[1])
	})
	assert.Zero(t, n)
}

// String writes the text fmt's %x gives each id (the format it had), for
// reads alone, writes alone, both, and ids of every width.
func TestFootprint_StringAsFmt(t *testing.T) {
	asFmt := func(f Footprint) string {
		if f.IsZero() {
			return "-"
		}
		var parts []string
		for _, s := range []struct {
			name string
			ids  []Resource
		}{{"r", f.Reads()}, {"w", f.Writes()}} {
			if len(s.ids) == 0 {
				continue
			}
			hex := make([]string, len(s.ids))
			for i, id := range s.ids {
				hex[i] = fmt.Sprintf("%x", uint64(id))
			}
			parts = append(parts, s.name+"{"+strings.Join(hex, ",")+"}")
		}
		return strings.Join(parts, " ")
	}
	wide := ResourceID(0xff, 0xffffff, 0xffffffff)
	for _, f := range []Footprint{
		{},
		Reads(0),
		Writes(1, 0xf, 0x10),
		New([]Resource{wide, 3}, []Resource{ResourceID(3, 1, 7)}),
		New([]Resource{ResourceID(1, 0, 0x1234)}, []Resource{wide, 0, 0xabcdef}),
	} {
		assert.Equal(t, asFmt(f), f.String())
		assert.Equal(t, "r{1} "+asFmt(f), string(f.Append([]byte("r{1} "))), "Append after text already in the buffer")
	}
}

// BenchmarkFootprint_String renders a footprint of a few resources.
func BenchmarkFootprint_String(b *testing.B) {
	f := New([]Resource{ResourceID(1, 0, 7), ResourceID(2, 1, 0x40)}, []Resource{ResourceID(3, 0, 1), ResourceID(9, 1, 0x1234)})
	b.ReportAllocs()
	for b.Loop() {
		_ = f.String()
	}
}
