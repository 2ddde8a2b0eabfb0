package wire

import (
	"encoding/hex"
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendMessage appends m as one JSON object, with the keys and omissions
// of Message's json tags (encoding/json reads it back to the same value;
// TestAppendAgreesWithEncodingJSON holds it to that).
func appendMessage(b []byte, m *Message) []byte {
	w := objWriter{b: b}
	w.b = append(w.b, '{')
	w.key("id")
	w.b = strconv.AppendUint(w.b, m.ID, 10)
	w.key("op")
	w.b = appendString(w.b, m.Op)
	if m.Protocol != 0 {
		w.int("protocol", int64(m.Protocol))
	}
	if m.Name != "" {
		w.str("name", m.Name)
	}
	if len(m.Editions) > 0 {
		w.strs("editions", m.Editions)
	}
	if len(m.Knobs) > 0 {
		w.key("knobs")
		w.b = append(w.b, '{')
		for i, k := range sortedKeys(m.Knobs) {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = appendString(w.b, k)
			w.b = append(w.b, ':')
			w.b = appendStrings(w.b, m.Knobs[k])
		}
		w.b = append(w.b, '}')
	}
	if m.Type != "" {
		w.str("type", m.Type)
	}
	if m.Dev != 0 {
		w.uint("dev", m.Dev)
	}
	if m.Config != nil {
		w.key("config")
		w.b = appendConfig(w.b, m.Config)
	}
	uints(&w, "drop", m.Drop)
	if m.Capacity != nil {
		w.uint("capacity", *m.Capacity)
	}
	if m.Event != nil {
		w.key("event")
		w.b = appendEvent(w.b, m.Event)
	}
	if m.Port != nil {
		w.key("port")
		w.b = appendPortState(w.b, m.Port)
	}
	if m.Addr != 0 {
		w.hex64("addr", m.Addr)
	}
	if m.Sector != 0 {
		w.uint("sector", m.Sector)
	}
	if m.Len != 0 {
		w.int("len", int64(m.Len))
	}
	if len(m.Data) > 0 {
		w.bytes("data", m.Data)
	}
	if m.Error != "" {
		w.str("error", m.Error)
	}
	if len(m.ReadData) > 0 {
		w.bytes("read_data", m.ReadData)
	}
	objs(&w, "interrupts", m.Interrupts, func(o *objWriter, x Interrupt) {
		o.uint("vector", uint64(x.Vector))
		o.hex64("addr", x.Addr)
		o.uint("data", uint64(x.Data))
	})
	objs(&w, "completions", m.Completions, func(o *objWriter, c Completion) {
		o.uint("tag", c.Tag)
		o.uint("status", uint64(c.Status))
		o.uint("qualifier", uint64(c.Qualifier))
		if len(c.Result) > 0 {
			o.bytes("result", c.Result)
		}
	})
	objs(&w, "timers", m.Timers, func(o *objWriter, t Timer) {
		o.str("timer", t.Timer)
		o.uint("delay", t.Delay)
	})
	if len(m.Steps) > 0 {
		w.key("steps")
		w.b = append(w.b, '[')
		for i, s := range m.Steps {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = appendStep(w.b, s)
		}
		w.b = append(w.b, ']')
	}
	if len(m.Notes) > 0 {
		w.strs("notes", m.Notes)
	}
	if m.Status != nil {
		s := m.Status
		w.key("status")
		o := objWriter{b: append(w.b, '{')}
		o.uint("mode", uint64(s.Mode))
		o.uint("device_status", uint64(s.DeviceStatus))
		if s.FLRPending {
			o.key("flr_pending")
			o.b = append(o.b, "true"...)
		}
		if s.ResetPending {
			o.key("reset_pending")
			o.b = append(o.b, "true"...)
		}
		if s.HeldReplies != 0 {
			o.int("held_replies", int64(s.HeldReplies))
		}
		w.b = append(o.b, '}')
	}
	if m.Digest != nil {
		w.hex64("digest", *m.Digest)
	}
	if m.Wire != nil {
		w.key("wire")
		w.b = appendWire(w.b, m.Wire)
	}
	return append(w.b, '}')
}

func appendConfig(b []byte, c *Config) []byte {
	w := objWriter{b: append(b, '{')}
	w.str("edition", c.Edition)
	w.key("rules")
	if c.Rules == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.b = append(w.b, '{')
		for i, k := range sortedKeys(c.Rules) {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = appendString(w.b, k)
			w.b = append(w.b, ':')
			w.b = appendString(w.b, c.Rules[k])
		}
		w.b = append(w.b, '}')
	}
	w.int("vf", int64(c.VF))
	w.uint("rid", uint64(c.RID))
	w.hex64("bar0", c.BAR0)
	w.uint("num_queues", uint64(c.NumQueues))
	w.uint("queue_size_max", uint64(c.QueueSizeMax))
	w.hex64("features", c.Features)
	w.int("msix_vectors", int64(c.MSIXVectors))
	if c.Disk != nil {
		w.key("disk")
		o := objWriter{b: append(w.b, '{')}
		o.str("serial", c.Disk.Serial)
		o.uint("capacity", c.Disk.Capacity)
		w.b = append(o.b, '}')
	}
	if c.Net != nil {
		w.key("net")
		w.b = appendNetConfig(w.b, c.Net)
	}
	return append(w.b, '}')
}

func appendEvent(b []byte, e *Event) []byte {
	w := objWriter{b: append(b, '{')}
	w.str("kind", e.Kind)
	if t := e.TLP; t != nil {
		w.key("tlp")
		o := objWriter{b: append(w.b, '{')}
		o.str("kind", t.Kind)
		o.uint("requester", uint64(t.Requester))
		o.uint("completer", uint64(t.Completer))
		o.hex64("addr", t.Addr)
		if len(t.Data) > 0 {
			o.bytes("data", t.Data)
		}
		if t.Len != 0 {
			o.int("len", int64(t.Len))
		}
		w.b = append(o.b, '}')
	}
	if a := e.Admin; a != nil {
		w.key("admin")
		o := objWriter{b: append(w.b, '{')}
		o.uint("tag", a.Tag)
		o.uint("opcode", uint64(a.Opcode))
		if len(a.Data) > 0 {
			o.bytes("data", a.Data)
		}
		o.int("result_cap", int64(a.ResultCap))
		if a.ObjectID != 0 {
			o.uint("object_id", uint64(a.ObjectID))
		}
		w.b = append(o.b, '}')
	}
	if e.Timer != "" {
		w.str("timer", e.Timer)
	}
	if e.Step != nil {
		w.key("step")
		w.b = appendStep(w.b, *e.Step)
	}
	return append(w.b, '}')
}

func appendStep(b []byte, s Step) []byte {
	o := objWriter{b: append(b, '{')}
	o.str("kind", s.Kind)
	if s.Queue != 0 {
		o.uint("queue", uint64(s.Queue))
	}
	if s.Tag != 0 {
		o.uint("tag", s.Tag)
	}
	return append(o.b, '}')
}

// objWriter appends the members of one object, with the commas between.
type objWriter struct {
	b    []byte
	more bool
}

func (w *objWriter) key(k string) {
	if w.more {
		w.b = append(w.b, ',')
	}
	w.more = true
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

func (w *objWriter) uint(k string, v uint64) { w.key(k); w.b = strconv.AppendUint(w.b, v, 10) }
func (w *objWriter) int(k string, v int64)   { w.key(k); w.b = strconv.AppendInt(w.b, v, 10) }
func (w *objWriter) str(k, v string)         { w.key(k); w.b = appendString(w.b, v) }
func (w *objWriter) strs(k string, v []string) {
	w.key(k)
	w.b = appendStrings(w.b, v)
}

func (w *objWriter) hex64(k string, v Hex64) {
	w.key(k)
	w.b = append(w.b, '"', '0', 'x')
	w.b = strconv.AppendUint(w.b, uint64(v), 16)
	w.b = append(w.b, '"')
}

func (w *objWriter) bytes(k string, v []byte) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = hex.AppendEncode(w.b, v)
	w.b = append(w.b, '"')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// objs writes key and the list of one JSON object per element of xs,
// each filled by f; nothing when xs is empty.
func objs[T any](w *objWriter, key string, xs []T, f func(o *objWriter, x T)) {
	if len(xs) == 0 {
		return
	}
	w.key(key)
	w.b = append(w.b, '[')
	for i, x := range xs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		o := objWriter{b: append(w.b, '{')}
		f(&o, x)
		w.b = append(o.b, '}')
	}
	w.b = append(w.b, ']')
}

// uints writes key and the list of xs; nothing when xs is empty.
func uints(w *objWriter, key string, xs []uint64) {
	if len(xs) == 0 {
		return
	}
	w.key(key)
	w.b = append(w.b, '[')
	for i, x := range xs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = strconv.AppendUint(w.b, x, 10)
	}
	w.b = append(w.b, ']')
}
