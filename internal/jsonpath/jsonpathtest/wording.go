// Package jsonpathtest holds what the tests and fuzz targets of the JSON
// readers (schedule files, shard summaries) share to check how their
// errors word a value of the wrong kind (package internal/jsonpath).
package jsonpathtest

import (
	"regexp"
	"strconv"
	"strings"
)

// wrongKind matches the wording of a value of the wrong kind:
// "got JSON KIND[ TEXT], want WANT (byte offset N)".
var wrongKind = regexp.MustCompile(`got JSON (\w+)[^,]*, want (.*) \(byte offset (\d+)\)`)

// firstByteKind is the JSON kind a value starting with the byte is; any
// other first byte starts a number.
var firstByteKind = map[byte]string{'"': "string", '{': "object", '[': "array", 't': "boolean", 'f': "boolean", 'n': "null"}

// KindWordingProblem says what is wrong with the way err names a value of
// the wrong kind in the document doc ("" when nothing is, or err is about
// something else): both kinds are JSON's, and the offset is the first
// byte of a value of the kind it got.
func KindWordingProblem(err string, doc []byte) string {
	m := wrongKind.FindStringSubmatch(err)
	if m == nil {
		return ""
	}
	got, want := m[1], m[2]
	okWant := false
	for _, k := range []string{"string", "number", "boolean", "array", "object", "a string"} {
		okWant = okWant || strings.HasPrefix(want, k)
	}
	if !okWant {
		return "the wanted kind is not JSON's"
	}
	off, err2 := strconv.Atoi(m[3])
	if err2 != nil || off < 0 || off >= len(doc) {
		return "the byte offset is outside the document"
	}
	k, ok := firstByteKind[doc[off]]
	if !ok {
		k = "number"
	}
	if k != got {
		return "the byte offset is not the first byte of a " + got
	}
	return ""
}
