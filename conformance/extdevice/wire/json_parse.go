package wire

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A strict JSON parser for Message, about ten times faster than
// encoding/json with DisallowUnknownFields, which dominated the cost of a
// message: one object per line, only the keys Message declares (at any
// depth, each once per object), integers without fraction or exponent,
// strings with the JSON escapes. null reads as the zero value, as in
// encoding/json. Errors name the byte offset. TestParseAgreesWithEncodingJSON
// and FuzzDecodeMessage hold it to encoding/json's reading of the same
// lines: what it reads, encoding/json reads the same.

// parser reads one line.
type parser struct {
	b   []byte
	pos int
	// path is where the parser is: the keys and indexes of the values
	// it is inside, for errors.
	path []pathElem
	buf  [8]pathElem // path's first elements, without an allocation
}

// pathElem is an object's key (index -1), or an array's index.
type pathElem struct {
	key   string
	index int
}

// parseError is a parse failure at a byte offset, inside the value at
// path ("" at the top level).
type parseError struct {
	pos  int
	path string
	msg  string
}

func (e *parseError) Error() string {
	if e.path == "" {
		return fmt.Sprintf("byte %d: %s", e.pos, e.msg)
	}
	return fmt.Sprintf("byte %d, field %s: %s", e.pos, e.path, e.msg)
}

func (p *parser) fail(format string, args ...any) {
	panic(&parseError{p.pos, p.pathString(), fmt.Sprintf(format, args...)})
}

// pathString is the path as Go or JavaScript would write it:
// "wire.tx[0].seq".
func (p *parser) pathString() string {
	var b strings.Builder
	for _, e := range p.path {
		switch {
		case e.index >= 0:
			fmt.Fprintf(&b, "[%d]", e.index)
		case b.Len() > 0:
			b.WriteString("." + e.key)
		default:
			b.WriteString(e.key)
		}
	}
	return b.String()
}

// parseMessage parses one line into a Message.
func parseMessage(line []byte) (m *Message, err error) {
	p := &parser{b: line}
	p.path = p.buf[:0]
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*parseError)
			if !ok {
				panic(r)
			}
			m, err = nil, pe
		}
	}()
	m = &Message{}
	p.ws()
	p.object(true, func(key string) { p.messageField(m, key) })
	p.ws()
	if p.pos != len(p.b) {
		p.fail("data after the JSON object")
	}
	return m, nil
}

// ws skips whitespace: spaces and tabs. A carriage return, which JSON
// takes as whitespace, is refused: a line of the protocol ends with \n
// alone (docs/device-protocol.md, "Lines and values"), and a host that
// splits lines as the protocol says would keep a \r\n line's CR, so a
// device writing one works with this kit only.
func (p *parser) ws() {
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case '\r':
			p.fail("a carriage return (CR, 0x0d): a line ends with \\n alone, not \\r\\n, and whitespace is spaces and tabs")
		case ' ', '\t', '\n':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) peek() byte {
	if p.pos >= len(p.b) {
		p.fail("unexpected end of input")
	}
	return p.b[p.pos]
}

func (p *parser) expect(c byte) {
	if p.peek() != c {
		p.fail("want %q, got %q", c, p.b[p.pos])
	}
	p.pos++
}

// null consumes a null literal if one is next.
func (p *parser) null() bool {
	if p.pos+4 <= len(p.b) && string(p.b[p.pos:p.pos+4]) == "null" {
		p.pos += 4
		return true
	}
	return false
}

// object reads {"key": value, …}, calling field for each key with the
// parser at the value. With fields (an object of a struct's fields, not a
// map's) a key given twice is an error: encoding/json would merge the two
// values of a struct or map, where field replaces the first.
func (p *parser) object(fields bool, field func(key string)) {
	if p.null() {
		return
	}
	p.expect('{')
	p.ws()
	if p.peek() == '}' {
		p.pos++
		return
	}
	var seen [16]string
	keys := seen[:0]
	for {
		p.ws()
		start := p.pos
		key := p.str()
		if fields {
			if slices.Contains(keys, key) {
				p.pos = start
				p.fail("field %q given twice", key)
			}
			keys = append(keys, key)
		}
		p.ws()
		p.expect(':')
		p.ws()
		at := p.pos
		p.path = append(p.path, pathElem{key: key, index: -1})
		field(key)
		p.path = p.path[:len(p.path)-1]
		if p.pos == at {
			p.pos = start
			p.fail("unknown field %q", key)
		}
		p.ws()
		if p.peek() == ',' {
			p.pos++
			continue
		}
		p.expect('}')
		return
	}
}

// array reads [elem, …], calling elem with the parser at each element.
func (p *parser) array(elem func()) {
	if p.null() {
		return
	}
	p.expect('[')
	p.ws()
	if p.peek() == ']' {
		p.pos++
		return
	}
	for i := 0; ; i++ {
		p.ws()
		p.path = append(p.path, pathElem{index: i})
		elem()
		p.path = p.path[:len(p.path)-1]
		p.ws()
		if p.peek() == ',' {
			p.pos++
			continue
		}
		p.expect(']')
		return
	}
}

// str reads a string with the JSON escapes.
func (p *parser) str() string {
	p.expect('"')
	start := p.pos
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		switch {
		case c == '"':
			s := plainString(p.b[start:p.pos])
			p.pos++
			return s
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			p.fail("control character %#02x in a string", c)
		}
		p.pos++
	}
	p.fail("unterminated string")
	return ""
}

// escaped finishes a string that has escapes, from its start.
func (p *parser) escaped(start int) string {
	var sb strings.Builder
	sb.Write(p.b[start:p.pos])
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		switch {
		case c == '"':
			p.pos++
			return validUTF8([]byte(sb.String()))
		case c < 0x20:
			p.fail("control character %#02x in a string", c)
		case c != '\\':
			sb.WriteByte(c)
			p.pos++
			continue
		}
		p.pos++
		e := p.peek()
		p.pos++
		switch e {
		case '"', '\\', '/':
			sb.WriteByte(e)
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'u':
			r := p.hex4()
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.pos+6 <= len(p.b) && p.b[p.pos] == '\\' && p.b[p.pos+1] == 'u' {
					save := p.pos
					p.pos += 2
					r2 = p.hex4()
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						sb.WriteRune(d)
						continue
					}
					p.pos = save
				}
				sb.WriteRune(utf8.RuneError)
				continue
			}
			sb.WriteRune(r)
		default:
			p.pos--
			p.fail("bad escape \\%c", e)
		}
	}
	p.fail("unterminated string")
	return ""
}

// plainString is the string of a JSON string's bytes without escapes:
// the protocol's key or common value it spells (interned.go), which costs
// no allocation, else validUTF8(b).
func plainString(b []byte) string {
	if s, ok := lookupInterned(b); ok {
		return s
	}
	return validUTF8(b)
}

// validUTF8 returns b as a string with every byte that is not valid UTF-8
// replaced by U+FFFD, as encoding/json reads it.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

func (p *parser) hex4() rune {
	if p.pos+4 > len(p.b) {
		p.fail("short \\u escape")
	}
	v, err := strconv.ParseUint(string(p.b[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		p.fail("bad \\u escape %q", p.b[p.pos:p.pos+4])
	}
	p.pos += 4
	return rune(v)
}

// uint reads a non-negative integer of at most bits bits.
func (p *parser) uint(bits int) uint64 {
	if p.null() {
		return 0
	}
	start := p.pos
	for p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == start {
		p.fail("want a non-negative integer")
	}
	if p.pos < len(p.b) && (p.b[p.pos] == '.' || p.b[p.pos] == 'e' || p.b[p.pos] == 'E') {
		p.pos = start
		p.fail("want an integer, got a fraction or exponent")
	}
	if p.pos-start > 1 && p.b[start] == '0' {
		p.pos = start
		p.fail("integer with a leading zero")
	}
	v, err := strconv.ParseUint(string(p.b[start:p.pos]), 10, bits)
	if err != nil {
		p.pos = start
		p.fail("integer out of range for %d bits", bits)
	}
	return v
}

// int reads an integer that fits an int (it may be negative).
func (p *parser) int() int {
	if p.null() {
		return 0
	}
	neg := p.peek() == '-'
	if neg {
		p.pos++
		if c := p.peek(); c < '0' || c > '9' {
			p.fail("want a digit after '-'")
		}
	}
	v := p.uint(63)
	if neg {
		return -int(v)
	}
	return int(v)
}

func (p *parser) bool() bool {
	switch {
	case p.null():
		return false
	case p.pos+4 <= len(p.b) && string(p.b[p.pos:p.pos+4]) == "true":
		p.pos += 4
		return true
	case p.pos+5 <= len(p.b) && string(p.b[p.pos:p.pos+5]) == "false":
		p.pos += 5
		return false
	}
	p.fail("want true or false")
	return false
}

// string reads a string or null.
func (p *parser) string() string {
	if p.null() {
		return ""
	}
	return p.str()
}

// hexBytes reads a string of hex digits.
func (p *parser) hexBytes() HexBytes {
	if p.null() {
		return nil
	}
	start := p.pos
	if out, ok := p.plainHex(); ok {
		return out
	}
	p.wantString("a string of hex digits, two per byte (\"0a1b\")")
	s := p.str()
	out := make([]byte, hex.DecodedLen(len(s)))
	if _, err := hex.Decode(out, []byte(s)); err != nil {
		p.pos = start
		p.fail("bad hex bytes: %v", err)
	}
	return out
}

// plainHex reads a string of an even number of hex digits and nothing
// else (no escape), as hexBytes does but straight from the line; for any
// other string it reads nothing and reports false, and hexBytes reads it
// (and names what is wrong).
func (p *parser) plainHex() (HexBytes, bool) {
	if p.pos >= len(p.b) || p.b[p.pos] != '"' {
		return nil, false
	}
	end := bytes.IndexByte(p.b[p.pos+1:], '"')
	if end < 0 || end%2 != 0 {
		return nil, false
	}
	digits := p.b[p.pos+1 : p.pos+1+end]
	out := make([]byte, end/2)
	if _, err := hex.Decode(out, digits); err != nil {
		return nil, false // an escape, a control character or no hex digit
	}
	p.pos += end + 2
	return out, true
}

// hex64 reads a "0x…" string.
func (p *parser) hex64() Hex64 {
	if p.null() {
		return 0
	}
	start := p.pos
	if v, ok := p.plainHex64(); ok {
		return v
	}
	p.wantString("a \"0x…\" string of 1 to 16 hex digits (a 64-bit quantity is a string, not a JSON number)")
	s := p.str()
	digits, ok := strings.CutPrefix(s, "0x")
	if !ok || digits == "" || len(digits) > 16 {
		p.pos = start
		p.fail("want a \"0x…\" string of 1 to 16 hex digits, got %q", s)
	}
	v, err := strconv.ParseUint(digits, 16, 64)
	if err != nil {
		p.pos = start
		p.fail("bad hex %q", s)
	}
	return Hex64(v)
}

// wantString fails, saying it wants what and naming the JSON value found
// instead, unless a string is next: a byte string or 64-bit quantity that
// a JSON library wrote in its own way (an array of byte values, as serde
// writes a Vec<u8>; a number, as most write a uint64).
func (p *parser) wantString(what string) {
	if p.pos < len(p.b) && p.b[p.pos] == '"' {
		return
	}
	p.fail("want %s, got %s", what, p.valueKind())
}

// valueKind names the JSON value that starts at the parser's position.
func (p *parser) valueKind() string {
	if p.pos >= len(p.b) {
		return "the end of the line"
	}
	switch c := p.b[p.pos]; {
	case c == '[':
		return "an array"
	case c == '{':
		return "an object"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == '-' || '0' <= c && c <= '9':
		end := p.pos
		for end < len(p.b) && end-p.pos < 24 && bytes.IndexByte([]byte("+-.0123456789eE"), p.b[end]) >= 0 {
			end++
		}
		return fmt.Sprintf("the number %s", p.b[p.pos:end])
	default:
		return fmt.Sprintf("%q", c)
	}
}

// plainHex64 reads a "0x…" string of 1 to 16 hex digits and nothing else
// (no escape), as hex64 does but straight from the line; for any other
// string it reads nothing and reports false, and hex64 reads it (and
// names what is wrong).
func (p *parser) plainHex64() (Hex64, bool) {
	b := p.b[p.pos:]
	if len(b) < 4 || b[0] != '"' || b[1] != '0' || b[2] != 'x' {
		return 0, false
	}
	var v uint64
	for i := 3; i < len(b) && i <= 19; i++ {
		c := b[i]
		switch {
		case c == '"' && i > 3:
			p.pos += i + 1
			return Hex64(v), true
		case '0' <= c && c <= '9':
			v = v<<4 | uint64(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uint64(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | uint64(c-'A'+10)
		default:
			return 0, false
		}
	}
	return 0, false
}

func (p *parser) strings() []string {
	var out []string
	p.array(func() { out = append(out, p.string()) })
	return out
}
