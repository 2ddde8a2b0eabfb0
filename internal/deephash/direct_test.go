package deephash

import (
	"reflect"
	"testing"
	"unsafe"
)

// Types of one pointer-shaped word that are not one field: since Go 1.26
// an interface holds a value of a type in its data word when the type's
// size and pointer bytes are both one word (internal/abi's
// TFlagDirectIface; cmd/compile's types.IsDirectIface), so zero-size
// fields beside the pointer do not box it.
type (
	directZeroFirst struct {
		z struct{}
		p *int64
	}
	directZeroArray struct {
		_ [0]int
		p *int64
	}
	directZeroMap struct {
		z struct{}
		m map[int8]int8
	}
	directNested struct {
		z struct{}
		a [1]directZeroFirst
	}
	// boxedZeroLast is two words: a zero-size last field is padded.
	boxedZeroLast struct {
		p *int64
		z struct{}
	}
)

// runtimeDirect reports whether the runtime holds a value of type t in an
// interface's data word: the zero value's data word is then nil (a boxed
// zero value points to memory).
func runtimeDirect(t reflect.Type) bool {
	v := reflect.Zero(t).Interface()
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1] == nil
}

func TestDirect_AsTheRuntime(t *testing.T) {
	for _, v := range []any{
		directZeroFirst{}, directZeroArray{}, directZeroMap{}, directNested{}, boxedZeroLast{},
		(*int)(nil), map[int]int(nil), (func())(nil), (chan int)(nil), unsafe.Pointer(nil),
		[1]*int{}, struct{ p *int }{}, [1]struct{ p *int }{}, [2]*int{}, [0]*int{}, struct{}{},
		int64(0), uintptr(0), "", []int(nil), any(nil), [1]int64{}, struct{ a, b int32 }{},
	} {
		if v == nil {
			continue
		}
		ty := reflect.TypeOf(v)
		if got, want := direct(ty), runtimeDirect(ty); got != want {
			t.Errorf("%v: direct %v, the runtime's %v", ty, got, want)
		}
	}
}

func TestHash_DirectValuesOfSeveralFields(t *testing.T) {
	x, y := int64(1), int64(2)
	for _, c := range []struct {
		name string
		a, b any
	}{
		{"zero-size field first", directZeroFirst{p: &x}, directZeroFirst{p: &y}},
		{"zero-size array first", directZeroArray{p: &x}, directZeroArray{p: &y}},
		{"map beside a zero-size field", directZeroMap{m: map[int8]int8{1: 1}}, directZeroMap{m: map[int8]int8{1: 2}}},
		{"nested", directNested{a: [1]directZeroFirst{{p: &x}}}, directNested{a: [1]directZeroFirst{{p: &y}}}},
		{"zero-size field last", boxedZeroLast{p: &x}, boxedZeroLast{p: &y}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a2 := reflect.New(reflect.TypeOf(c.a)).Elem()
			a2.Set(reflect.ValueOf(c.a))
			for _, reflective := range []bool{false, true} {
				h := Hasher{Reflective: reflective}
				// The value hashed, and the value an interface field holds.
				ha, hb, same := h.Hash(c.a), h.Hash(c.b), h.Hash(a2.Interface())
				if ha == hb || ha != same {
					t.Errorf("reflective %v: %#x %#x (a copy of the first: %#x)", reflective, ha, hb, same)
				}
				ia, ib := h.Hash(&struct{ v any }{c.a}), h.Hash(&struct{ v any }{c.b})
				if ia == ib {
					t.Errorf("reflective %v: in an interface, %#x both", reflective, ia)
				}
			}
		})
	}
}
