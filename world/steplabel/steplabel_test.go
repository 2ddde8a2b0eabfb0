package steplabel

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

// TestRegLabel pins the labels of a guest's BAR0 accesses, which schedule
// files record: every register class, the fallback for an offset no
// register holds, and a write of no bytes, which keeps its "=".
func TestRegLabel(t *testing.T) {
	cases := []struct {
		off   uint64
		data  []byte
		write bool
		want  string
	}{
		{0x14, nil, false, "vcpu1:mmio-read device_status"},
		{0x20, []byte{0x00, 0x10, 0x00, 0x00}, true, "vcpu1:mmio-write queue_desc_lo=00100000"},
		{pcie.BAR0ISR, nil, false, "vcpu1:mmio-read isr"},
		{pcie.BAR0DeviceCfg + 32, []byte{1}, true, "vcpu1:mmio-write devcfg+32=01"},
		{pcie.BAR0Notify + 4, []byte{0, 0}, true, "vcpu1:mmio-write notify+4=0000"},
		{pcie.BAR0MSIXTable + 2*pcie.MSIXEntrySize + 8, nil, false, "vcpu1:mmio-read msix[2]"},
		{0x80, nil, false, "vcpu1:mmio-read bar0+0x80"},
		{0x14, []byte{}, true, "vcpu1:mmio-write device_status="},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Reg("vcpu1", map[bool]string{false: ":mmio-read ", true: ":mmio-write "}[c.write], c.off, c.data, c.write))
	}
}

// TestRegLabelCached: the labels RegRead and RegWrite keep for the
// process are Reg's, built or taken from the cache, for reads, writes of
// every length up to 8 bytes (0 included, which is not a read), longer
// writes (not kept) and writes that differ only in their length.
func TestRegLabelCached(t *testing.T) {
	offs := []uint64{0x14, 0x20, pcie.BAR0ISR, pcie.BAR0Notify + 4, pcie.BAR0MSIXTable + 8, 0x80}
	datas := [][]byte{{}, {0}, {0, 0}, {1, 2, 3, 4}, {1, 2, 3, 4, 0, 0, 0, 0}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}
	for round := range 2 {
		for _, name := range []string{"vcpu0", "vcpu1"} {
			for _, off := range offs {
				assert.Equal(t, Reg(name, ":mmio-read ", off, nil, false), RegRead(name, off), "round %d", round)
				for _, d := range datas {
					assert.Equal(t, Reg(name, ":mmio-write ", off, d, true), RegWrite(name, off, d), "round %d", round)
				}
			}
		}
	}
	assert.Equal(t, "vcpu1:mmio-write device_status=", RegWrite("vcpu1", 0x14, nil))
	assert.Equal(t, "vcpu1:mmio-write device_status=00", RegWrite("vcpu1", 0x14, []byte{0}))
}

// TestCfgLabel pins the labels of a guest's configuration accesses, which
// schedule files record.
func TestCfgLabel(t *testing.T) {
	for _, c := range []struct {
		verb string
		off  uint16
		sep  string
		val  uint64
		base int
		want string
	}{
		{":cfg-read 0x", 0x4, "/", 2, 10, "vcpu0:cfg-read 0x4/2"},
		{":cfg-read 0x", 0x100, "/", 4, 10, "vcpu0:cfg-read 0x100/4"},
		{":cfg-write 0x", 0x48, "=0x", 0x8000, 16, "vcpu0:cfg-write 0x48=0x8000"},
		{":cfg-write 0x", 0x4, "=0x", 0, 16, "vcpu0:cfg-write 0x4=0x0"},
		{":cfg-write 0x", 0xffc, "=0x", 0xffffffff, 16, "vcpu0:cfg-write 0xffc=0xffffffff"},
	} {
		for range 2 { // built, then kept
			assert.Equal(t, c.want, Cfg("vcpu0", c.verb, c.off, c.sep, c.val, c.base))
		}
	}
}

// TestCfgLabel_Kept: a kept configuration access label is the one built
// for its key, for more keys than there are slots (so that they share
// slots and replace each other), for two vCPUs and both verbs, looked up
// in turns, and concurrently.
func TestCfgLabel_Kept(t *testing.T) {
	require.Greater(t, 256*2*3*2, cfgSlots, "keys: offsets, vCPUs, values and verbs")
	check := func(t *testing.T) {
		for round := range 2 {
			for off := range uint16(256) {
				for _, name := range []string{"vcpu0", "vcpu1"} {
					for _, v := range []uint64{0, 1, uint64(off) << 8} {
						require.Equal(t, buildCfg(name, ":cfg-write 0x", off, "=0x", v, 16), Cfg(name, ":cfg-write 0x", off, "=0x", v, 16), "round %d", round)
						require.Equal(t, buildCfg(name, ":cfg-read 0x", off, "/", v, 10), Cfg(name, ":cfg-read 0x", off, "/", v, 10), "round %d", round)
					}
				}
			}
		}
	}
	check(t)
	// The table is the process's: jobs look labels up concurrently.
	t.Run("concurrent", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				check(t)
			})
		}
	})
}

// A device's step labels are its name and the step, kept for the queue
// steps and the first admin tags only.
func TestDeviceStep(t *testing.T) {
	var d Device
	fetch := member.Step{Kind: member.StepFetch, Queue: 0}
	assert.Equal(t, "src.vf1:fetch(q0)", d.Step("src.vf1", fetch))
	assert.Equal(t, "src.vf1:fetch(q0)", d.Step("src.vf1", fetch))
	assert.Equal(t, "src.vf1:admin(tag 9)", d.Step("src.vf1", member.Step{Kind: member.StepAdmin, Tag: 9}))
	assert.Len(t, d.labels, 1, "a late admin tag is not kept")
}

// TestRegLabelCached_Evicted: more keys than the cache has slots, asked
// for in turn from several goroutines (slots replaced under each other),
// each get their own label, as Reg builds it.
func TestRegLabelCached_Evicted(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 2 {
				for i := range 3 * regSlots {
					name, off := fmt.Sprintf("vcpu%d", i%3), uint64(g*8+i%64)
					d := []byte{byte(i), byte(i >> 8), byte(i >> 16)}
					if got, want := RegWrite(name, off, d), Reg(name, ":mmio-write ", off, d, true); got != want {
						t.Errorf("goroutine %d round %d key %d: %q, Reg builds %q", g, round, i, got, want)
						return
					}
					if got, want := RegRead(name, off), Reg(name, ":mmio-read ", off, nil, false); got != want {
						t.Errorf("goroutine %d round %d key %d: %q, Reg builds %q", g, round, i, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestRegLabelCached_SameSlotNames: actors whose names have the same
// length and the same first and last bytes (regSlot reads only those of a
// name) share a slot for each access; each still gets its own label, the
// slot's label being another name's until its key is compared whole.
func TestRegLabelCached_SameSlotNames(t *testing.T) {
	names := []string{"vcpuA0", "vcpuB0", "vcpuC0"}
	require.Equal(t, regSlot(regKey{name: names[0], off: 0x14, n: -1}), regSlot(regKey{name: names[1], off: 0x14, n: -1}))
	for round := range 2 {
		for _, name := range names {
			for _, off := range []uint64{0x14, 0x20, pcie.BAR0ISR} {
				assert.Equal(t, Reg(name, ":mmio-read ", off, nil, false), RegRead(name, off), "round %d", round)
				d := []byte{byte(off), 1}
				assert.Equal(t, Reg(name, ":mmio-write ", off, d, true), RegWrite(name, off, d), "round %d", round)
			}
		}
	}
}

// TestDeviceStep_Cached: step labels of more devices and steps than the
// process's table has slots, asked for by fresh Devices from several
// goroutines (slots replaced under each other, names that share a slot),
// are each the device's name, ':' and the step.
func TestDeviceStep_Cached(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 2 {
				var d Device
				for i := range 3 * stepSlots {
					name := fmt.Sprintf("h%d.vf%d", g, i%7)
					s := member.Step{Kind: member.StepKind(i % 5), Queue: uint16(i % 3), Tag: uint64(i / 5)}
					if got, want := d.Step(name, s), name+":"+s.String(); got != want {
						t.Errorf("goroutine %d round %d step %d: %q, want %q", g, round, i, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
