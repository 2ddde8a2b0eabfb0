package wire

import (
	"reflect"
	"strings"
)

// interned holds the strings a line spells over and over — every key of
// Message and its parts, the ops, the event and TLP kinds — each mapped to
// itself. It is filled once and only read after, by any goroutine.
var interned = internTable()

// internBuckets holds interned's strings by internHash, for lookup: a
// bucket has one string or a few.
var internBuckets = func() (t [256][]string) {
	for s := range interned {
		h := internHash([]byte(s))
		t[h] = append(t[h], s)
	}
	return t
}()

// internHash hashes a string by its length and its first and last bytes,
// which tell the protocol's strings apart all but a few times.
func internHash(b []byte) uint8 {
	if len(b) == 0 {
		return 0
	}
	return uint8(len(b)*37 + int(b[0])*11 + int(b[len(b)-1]))
}

// lookupInterned returns the interned string b spells, without
// allocating (comparing string(b) copies nothing), if there is one.
func lookupInterned(b []byte) (string, bool) {
	for _, s := range internBuckets[internHash(b)] {
		if s == string(b) {
			return s, true
		}
	}
	return "", false
}

// internedValues are the common values beside the keys: the ops (package
// extdevice's Op constants, docs/device-protocol.md "Messages"), the
// event kinds and the TLP kinds.
var internedValues = []string{
	"hello", "new", "ready", "event", "effects",
	"mem-read", "mem-write", "mem-data", "mem-done",
	"disk-read", "disk-write", "disk-flush", "disk-data", "disk-done",
	"tlp", "admin", "timer", "step",
	"CfgRd", "CfgWr", "MRd", "MWr",
}

// internTable is interned: the json keys of Message's fields and of every
// struct type it holds, at any depth, and internedValues.
func internTable() map[string]string {
	t := map[string]string{}
	for _, v := range internedValues {
		t[v] = v
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for f := range ty.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
				t[name] = name
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[Message]())
	return t
}
