package blk

import (
	"strconv"

	"github.com/migsim/migsim/spec"
)

// The log lines a guest writes in every run (each request it completes,
// its probe and its closing view), built without fmt into one string
// each: the same text as the fmt formats their comments give.

// logRequest logs a completed write or read, "%s sector=%d count=%d:
// status=%d", a read followed by " data=%016x" (its data's hash).
func (g *Driver) logRequest(op string, sector uint64, count int, status byte, data uint64, read bool) {
	var a [96]byte
	b := append(append(a[:0], op...), " sector="...)
	b = strconv.AppendUint(b, sector, 10)
	b = strconv.AppendInt(append(b, " count="...), int64(count), 10)
	b = strconv.AppendUint(append(b, ": status="...), uint64(status), 10)
	if read {
		b = appendHex16(append(b, " data="...), data)
	}
	g.log = append(g.log, string(b))
}

// appendHex16 appends v as 16 lower-case hex digits (%016x).
func appendHex16(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for s := 60; s >= 0; s -= 4 {
		b = append(b, digits[v>>uint(s)&0xf])
	}
	return b
}

// logUint logs prefix followed by v in decimal (prefix+"%d").
func (g *Driver) logUint(prefix string, v uint64) {
	var a [64]byte
	g.log = append(g.log, string(strconv.AppendUint(append(a[:0], prefix...), v, 10)))
}

// logFinal logs the closing view, "final: capacity=%d status=%s
// outstanding=%d".
func (g *Driver) logFinal(capacity uint64, st spec.DeviceStatus, outstanding int) {
	var a [128]byte
	b := strconv.AppendUint(append(a[:0], "final: capacity="...), capacity, 10)
	b = append(append(b, " status="...), st.String()...)
	b = strconv.AppendInt(append(b, " outstanding="...), int64(outstanding), 10)
	g.log = append(g.log, string(b))
}
