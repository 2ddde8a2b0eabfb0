package inputfile

import (
	"bytes"
	"fmt"
)

// BOM is the UTF-8 encoding of U+FEFF, the byte-order mark some editors
// (Windows Notepad among them) write at the start of a file they save as
// UTF-8.
const BOM = "\ufeff"

// HasBOM reports whether b starts with a UTF-8 byte-order mark. A JSON
// decoder reports one as "invalid character 'ï'" at byte offset 1: the
// mark is invisible in the editor that wrote it, so a reader names it
// instead (BOMError).
func HasBOM(b []byte) bool { return bytes.HasPrefix(b, []byte(BOM)) }

// BOMError says what is wrong with a file of the given format ("JSON")
// that starts with a UTF-8 byte-order mark and what to do about it; the
// caller prefixes where, as its other errors do (byte offset 0; line 1,
// column 1). RFC 8259, section 8.1, lets a JSON reader refuse the mark, and
// migsim's JSON readers do, all with these words.
func BOMError(format string) error {
	return fmt.Errorf("the file starts with a UTF-8 byte-order mark (EF BB BF), which %s does not allow: save it without one", format)
}
