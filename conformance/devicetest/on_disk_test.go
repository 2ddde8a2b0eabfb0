package devicetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// cachingDisk is a device's volatile write cache in front of the disk it
// shares with a destination: a write completes into the cache, a read sees
// it, and only a flush writes it to the disk. A device with it completes
// writes as writeback mode allows, but nothing drains the cache when the
// owner stops or freezes the device.
type cachingDisk struct {
	blk.Storage
	cache map[uint64][]byte // sector → its bytes
}

func (d *cachingDisk) Write(sector uint64, data []byte) error {
	if _, err := d.Storage.Read(sector, len(data)); err != nil {
		return err
	}
	for i := 0; i < len(data); i += blk.SectorSize {
		d.cache[sector+uint64(i/blk.SectorSize)] = slices.Clone(data[i : i+blk.SectorSize])
	}
	return nil
}

func (d *cachingDisk) Read(sector uint64, n int) ([]byte, error) {
	b, err := d.Storage.Read(sector, n)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i += blk.SectorSize {
		if s, ok := d.cache[sector+uint64(i/blk.SectorSize)]; ok {
			copy(b[i:], s)
		}
	}
	return b, nil
}

func (d *cachingDisk) Flush() {
	for _, s := range slices.Sorted(func(yield func(uint64) bool) {
		for k := range d.cache {
			if !yield(k) {
				return
			}
		}
	}) {
		_ = d.Storage.Write(s, d.cache[s])
	}
	clear(d.cache)
	d.Storage.Flush()
}

// TestCompletedWritesOnDiskWhenStateFinal: a device that keeps completed
// writes in a write cache it never drains at the stop or the freeze fails
// the units that move it or stop it with a write completed, under DP-DEV-09
// in virtio-1.4 (the stop finishes what is outstanding before it
// completes) and the round trip's DRAFT-CTX-01 in draft-2023, each saying
// the disk does not hold the write when the source's state was final; the
// destination, which reads that disk, is not blamed. A draft-2023 device
// may hold the cache in Stop: DRAFT-STOP-02 (no driver memory touched in
// Stop) does not judge the disk. Every other device test passes it.
func TestCompletedWritesOnDiskWhenStateFinal(t *testing.T) {
	cached := func(cfg member.Config) member.Device {
		if s, ok := cfg.Backing.(blk.Storage); ok {
			cfg.Backing = &cachingDisk{Storage: s, cache: map[uint64][]byte{}}
		}
		return blk.New(cfg)
	}
	fails := map[string]string{
		"DP-DEV-09/virtio-1.4/stop-writes-back-taken-buffers":           "DP-DEV-09",
		"DP-DEV-08/virtio-1.4/round-trip-mid-workload":                  "DP-DEV-09",
		"DP-DEV-08/virtio-1.4/round-trip-wrapped-ring-taken-request":    "DP-DEV-09",
		"DRAFT-CTX-01/draft-2023/round-trip-mid-workload":               "DRAFT-CTX-01",
		"DRAFT-CTX-01/draft-2023/round-trip-wrapped-ring-taken-request": "DRAFT-CTX-01",
	}
	for _, dt := range All() {
		if dt.NeedsNet() {
			continue
		}
		for _, e := range spec.Editions {
			if !dt.AppliesTo(e) {
				continue
			}
			rules, err := spec.ParseRules(e, dt.Knobs())
			if !assert.NoError(t, err, dt.Unit(e)) {
				continue
			}
			c := runCheck(dt, e, rules, cached, extdevice.TypeBlk)
			id, want := fails[dt.Unit(e)]
			if !want {
				assert.Empty(t, c.Fails, dt.Unit(e))
				continue
			}
			if assert.NotEmpty(t, c.Fails, dt.Unit(e)) {
				for _, fl := range c.Fails {
					assert.Equal(t, []string{id}, fl.Requirements, "%s: %s", dt.Unit(e), fl.Message)
					assert.True(t, strings.Contains(fl.Message, stateFinal(c)+", the disk does not hold the data of write"), "%s: %s", dt.Unit(e), fl.Message)
				}
			}
		}
	}
}
