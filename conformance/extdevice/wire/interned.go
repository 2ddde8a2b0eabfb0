package wire

import (
	"reflect"
	"strings"
)

// interned holds the strings a line spells over and over — every key of
// Message and its parts, the ops, the event and TLP kinds — each mapped to
// itself: the parser returns a key or value it finds here without
// allocating (a lookup by string(b) copies nothing), and any other string
// as before. It is filled once and only read after, by any goroutine.
var interned = internTable()

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
