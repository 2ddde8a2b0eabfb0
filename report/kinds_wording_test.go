package report

import (
	"regexp"
	"strconv"
	"strings"
)

// wrongKind matches the wording of a value of the wrong kind:
// "got JSON KIND[ TEXT], want WANT (byte offset N)".
var wrongKind = regexp.MustCompile(`got JSON (\w+)[^,]*, want (.*) \(byte offset (\d+)\)`)

// kindWordingProblem says what is wrong with the way err names a value of
// the wrong kind in the document b ("" when nothing is, or err is about
// something else): both kinds are JSON's, and the offset is the first
// byte of a value of the kind it got. FuzzParseShardFile checks it, as
// FuzzParseSchedule does in package schedfile.
func kindWordingProblem(err string, b []byte) string {
	m := wrongKind.FindStringSubmatch(err)
	if m == nil {
		return ""
	}
	first := map[byte]string{'"': "string", '{': "object", '[': "array", 't': "boolean", 'f': "boolean", 'n': "null"}
	got, want := m[1], m[2]
	okWant := false
	for _, k := range []string{"string", "number", "boolean", "array", "object", "a string"} {
		okWant = okWant || strings.HasPrefix(want, k)
	}
	if !okWant {
		return "the wanted kind is not JSON's"
	}
	off, err2 := strconv.Atoi(m[3])
	if err2 != nil || off < 0 || off >= len(b) {
		return "the byte offset is outside the document"
	}
	k, ok := first[b[off]]
	if !ok {
		k = "number"
	}
	if k != got {
		return "the byte offset is not the first byte of a " + got
	}
	return ""
}
