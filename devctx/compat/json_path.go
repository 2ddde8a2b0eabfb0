package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Where a description's value sits, for errors that name the JSON path and
// the line and column (docs/compat.md, "Description files").

// jpath is the place of a value in a description: its JSON path from the
// root (object keys and list indexes), from which the line and column are
// found, and the text messages name it by, e.g. "models[0]
// (virtio-spec.org/pci/virtio-net): params[1] (mtu): off".
type jpath struct {
	elems []any // string keys, int indexes
	text  string
}

// key is the member k of the object at p: "… : k".
func (p jpath) key(k string) jpath {
	t := k
	if p.text != "" {
		t = p.text + ": " + k
	}
	return jpath{elems: append(slices.Clip(p.elems), k), text: t}
}

// member is the member k of a map-like object at p: "….k".
func (p jpath) member(k string) jpath {
	return jpath{elems: append(slices.Clip(p.elems), k), text: p.text + "." + k}
}

// index is item i of the list at p, named by name when it has one:
// "params[1] (mtu)".
func (p jpath) index(i int, name string) jpath {
	t := p.text + "[" + strconv.Itoa(i) + "]"
	if name != "" {
		t += " (" + name + ")"
	}
	return jpath{elems: append(slices.Clip(p.elems), i), text: t}
}

// errorf returns a description error at p.
func (p jpath) errorf(format string, a ...any) error {
	return &descError{at: p, msg: fmt.Sprintf(format, a...)}
}

// descError is a bad value of a description: where, and what is wrong.
type descError struct {
	at  jpath
	msg string
}

func (e *descError) Error() string {
	if e.at.text == "" {
		return e.msg
	}
	return e.at.text + ": " + e.msg
}

// locate prefixes a description error with the line and column of its
// value in data (or of the closest enclosing value that is present: the
// object a missing member belongs in).
func locate(data []byte, err error) error {
	var de *descError
	if !errors.As(err, &de) {
		return err
	}
	for n := len(de.at.elems); n >= 0; n-- {
		if off, ok := valueOffset(data, de.at.elems[:n]); ok {
			return fmt.Errorf("%s: %w", lineCol(data, off), err)
		}
	}
	return err
}

// valueOffset returns the byte offset where the value at path starts in
// data, a whole JSON document (the first of repeated keys).
func valueOffset(data []byte, path []any) (int64, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return seek(dec, data, path)
}

// seek reads the value at the decoder's position down to path.
func seek(dec *json.Decoder, data []byte, path []any) (int64, bool) {
	start := dec.InputOffset()
	for start < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[start]) >= 0 {
		start++
	}
	if len(path) == 0 {
		return start, start < int64(len(data))
	}
	tok, err := dec.Token()
	if err != nil {
		return 0, false
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return 0, false
			}
			if k == path[0] {
				return seek(dec, data, path[1:])
			}
			if !skipValue(dec) {
				return 0, false
			}
		}
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if path[0] == i {
				return seek(dec, data, path[1:])
			}
			if !skipValue(dec) {
				return 0, false
			}
		}
	}
	return 0, false
}

// skipValue reads one whole value.
func skipValue(dec *json.Decoder) bool {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return true
		}
	}
}

// jsonInteger reads an integer literal within lo..hi. A value that is not
// a number, or a number with a fraction or an exponent, is errNotInteger;
// one outside the bounds an error naming them.
func jsonInteger(raw json.RawMessage, lo, hi int64) (int64, error) {
	s := string(bytes.TrimSpace(raw))
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) || strings.ContainsAny(s, ".eE") {
		return 0, errNotInteger
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, errNotInteger
	}
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s outside %s", s, boundText(lo, hi))
	}
	return n, nil
}

var errNotInteger = errors.New("not an integer")

// boundText renders lo..hi: "0-65535", or for the whole int range
// "-9223372036854775808..9223372036854775807".
func boundText(lo, hi int64) string {
	if lo < 0 {
		return fmt.Sprintf("%d..%d", lo, hi)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

// jsonUint16 reads a le16 field of the header (a state version, a device
// id) at p.
func jsonUint16(raw json.RawMessage, p jpath) (uint16, error) {
	n, err := jsonInteger(raw, 0, math.MaxUint16)
	if errors.Is(err, errNotInteger) {
		return 0, p.errorf("%s is not an integer 0-65535", raw)
	}
	if err != nil {
		return 0, p.errorf("%v (a le16 of the compatibility header)", err)
	}
	return uint16(n), nil
}
