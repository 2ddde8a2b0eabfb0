package runtrace

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestHashIsFixed: the hash is part of every schedule file's recorded
// trace hash, so its values never change (these were computed when the
// hash moved here from package engine, whose regression schedules still
// replay to their recorded hashes).
func TestHashIsFixed(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  uint64
		want uint64
	}{
		{"mix", Mix(Seed, 1), 0x355824a9748c0558},
		{"empty string", String(""), 0xe85ddc04648ddc03},
		{"short label", String("hv:read"), 0xc7c604e7393112a7},
		{"label of 8 bytes and more", String("guest0:mmio-write common_cfg.queue_desc_lo"), 0x6b60d2bbc9c62748},
	} {
		assert.Equal(t, tc.want, tc.got, tc.name)
	}
	assert.NotEqual(t, String("ab"), String("ba"), "order matters")
	assert.NotEqual(t, String("a"), String("a\x00"), "the length is hashed")
}

type failing struct{ n int }

func (f *failing) Write(b []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

// TestWriter: one line per step and per clock jump; the first write
// error sticks and nothing more is written.
func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Step(17, 100*time.Millisecond, "guest0", "guest0:mmio-write common_cfg.queue_desc_lo")
	w.Clock(200 * time.Millisecond)
	assert.NoError(t, w.Err())
	assert.Equal(t, "17 t=100ms guest0 guest0:mmio-write common_cfg.queue_desc_lo\n- t=200ms clock\n", b.String())

	f := &failing{}
	w = NewWriter(f)
	w.Step(1, 0, "a", "a:x")
	w.Clock(time.Second)
	assert.EqualError(t, w.Err(), "disk full")
	assert.Equal(t, 1, f.n, "no write after the first error")
}

func TestLabels_AnswerAsString(t *testing.T) {
	var c Labels
	labels := []string{"", "a", "hv:read", "guest0:mmio-write common_cfg.queue_desc_lo",
		"guest0:mmio-write common_cfg.queue_desc_hi", "guest1:mmio-write common_cfg.queue_desc_lo",
		"12345678", "123456789", "x12345678"}
	// More labels than slots, so that slots are taken over.
	for i := range 3 * labelSlots {
		labels = append(labels, "dev"+strconv.Itoa(i)+":event queue notify")
	}
	for round := range 3 {
		for _, s := range labels {
			// The same content in new memory, as a label built again.
			again := string([]byte(s))
			assert.Equal(t, String(s), c.String(s), "round %d %q", round, s)
			assert.Equal(t, String(s), c.String(again), "round %d %q built again", round, s)
		}
	}
	// Two labels of one slot: each answers its own hash.
	a, b := "guest0:mmio-write q0", ""
	for i := 0; b == ""; i++ {
		if s := "guest0:mmio-write q" + strconv.Itoa(i); s != a && slotOf(s) == slotOf(a) {
			b = s
		}
	}
	for range 2 {
		assert.Equal(t, String(a), c.String(a))
		assert.Equal(t, String(b), c.String(b))
	}
}
