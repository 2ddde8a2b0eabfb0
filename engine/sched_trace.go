package engine

import (
	"io"
	"strconv"
)

// Trace hashing: a small deterministic 64-bit hash (the same on every
// machine and in every process, unlike hash/maphash), fed eight bytes at a
// time so hashing a label costs a few nanoseconds.

const (
	hashSeed  uint64 = 0x9e3779b97f4a7c15
	hashMulA  uint64 = 0xbf58476d1ce4e5b9
	hashMulB  uint64 = 0x94d049bb133111eb
	clockMark uint64 = 0xc10c
)

// mix folds v into h.
func mix(h, v uint64) uint64 {
	h ^= v
	h *= hashMulA
	h ^= h >> 31
	h *= hashMulB
	return h ^ h>>29
}

// hashString hashes s, including its length.
func hashString(s string) uint64 {
	h := mix(hashSeed, uint64(len(s)))
	for len(s) >= 8 {
		h = mix(h, uint64(s[0])|uint64(s[1])<<8|uint64(s[2])<<16|uint64(s[3])<<24|
			uint64(s[4])<<32|uint64(s[5])<<40|uint64(s[6])<<48|uint64(s[7])<<56)
		s = s[8:]
	}
	var tail uint64
	for i := 0; i < len(s); i++ {
		tail |= uint64(s[i]) << (8 * i)
	}
	return mix(h, tail)
}

// traceWriter writes the text trace, one line per step or clock jump:
//
//	17 t=100ms guest0 guest0:mmio-write common_cfg.queue_desc_lo
//	- t=200ms clock
type traceWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (tw *traceWriter) step(index int, now VTime, actor, label string) {
	if tw.err != nil {
		return
	}
	b := strconv.AppendInt(tw.buf[:0], int64(index), 10)
	b = append(b, " t="...)
	b = append(b, now.String()...)
	b = append(b, ' ')
	b = append(b, actor...)
	b = append(b, ' ')
	b = append(b, label...)
	b = append(b, '\n')
	tw.buf = b
	_, tw.err = tw.w.Write(b)
}

func (tw *traceWriter) clock(now VTime) {
	if tw.err != nil {
		return
	}
	b := append(tw.buf[:0], "- t="...)
	b = append(b, now.String()...)
	b = append(b, " clock\n"...)
	tw.buf = b
	_, tw.err = tw.w.Write(b)
}
