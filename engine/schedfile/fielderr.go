package schedfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/migsim/migsim/internal/jsonpath"
)

// fieldError is a schedule file's field whose value is wrong: its path
// (choices[3].i, as jsonpath.Path writes it), what is wrong, and, once the
// file's bytes are known (locate), the byte offset of the value's first
// byte (-1: not known, or the field is absent).
type fieldError struct {
	path string
	msg  string
	err  error
	off  int64
}

// fieldErrorf is a fieldError at path whose message is format's; a %w in
// format is what the error unwraps to.
func fieldErrorf(path, format string, args ...any) error {
	e := fmt.Errorf(format, args...)
	return &fieldError{path: path, msg: e.Error(), err: errors.Unwrap(e), off: -1}
}

func (e *fieldError) Error() string {
	msg := "field " + e.path + ": " + e.msg
	if e.off >= 0 {
		msg += fmt.Sprintf(" (byte offset %d)", e.off)
	}
	return msg
}

func (e *fieldError) Unwrap() error { return e.err }

// locate sets, in an error that names a field of the file b (a fieldError
// or a longStringError), the byte offset of that field's value in b.
func locate(err error, b []byte) error {
	var long *longStringError
	if errors.As(err, &long) {
		long.off = stringOffset(b, long.path)
	}
	var fe *fieldError
	if errors.As(err, &fe) {
		fe.off = valueOffset(b, fe.path)
		if fe.off < 0 && fe.msg == "empty" {
			// The file has no such key: a field it lacks is missing, not
			// empty (an edit that deleted the line, not one that cleared it).
			fe.msg = "missing"
		}
	}
	return err
}

// valueOffset returns the byte offset in the JSON document b of the first
// byte of the value at path (as jsonpath.Path writes it: choices[3].i):
// a scalar's, or an object's or array's opening bracket; -1 when none is
// there. Where the document gives that path more than one value (a key
// repeated), it is the last one, whose value encoding/json keeps; a key
// names the path as the decoder matches keys to fields, ignoring case.
func valueOffset(b []byte, path string) int64 {
	off := int64(-1)
	jsonpath.Walk(b, func(stack []jsonpath.Frame, tok json.Token, before, _ int64) bool {
		if tok == json.Delim('}') || tok == json.Delim(']') || !strings.EqualFold(jsonpath.Path(stack), path) {
			return false
		}
		off = jsonpath.SkipSeparators(b, before)
		return false
	})
	return off
}
