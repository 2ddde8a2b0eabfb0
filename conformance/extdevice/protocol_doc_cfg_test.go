package extdevice_test

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
)

// cfgRID and cfgHost address the configuration TLPs of the doc's
// reference members.
const (
	cfgRID  = pcie.RID(0x0109)
	cfgHost = pcie.RID(0x0001)
)

// readCfg reads the first 256 bytes of configuration space of d with
// 4-byte configuration reads, as a host does.
func readCfg(t *testing.T, d member.Device) []byte {
	var out []byte
	for off := 0; off < 0x100; off += 4 {
		fx := d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: cfgHost, Completer: cfgRID, Addr: uint64(off), Len: 4}})
		require.Len(t, fx.ReadData, 4, "config read at %#x", off)
		out = append(out, fx.ReadData...)
	}
	return out
}

// writableBits returns, per dword of the first 256 bytes, the bits a
// 4-byte write changes on a fresh configuration space built by fresh:
// the bits that read 1 after writing all ones and were 0, or read 0
// after writing 0 and were 1 (RW1C bits, which power on 0, do not show).
func writableBits(t *testing.T, fresh func() *pcie.ConfigSpace) []uint32 {
	var out []uint32
	for off := 0; off < 0x100; off += 4 {
		var m uint32
		for _, v := range []uint32{0xffffffff, 0} {
			c := fresh()
			before, err := c.Read(off, 4)
			require.NoError(t, err)
			_, err = c.Write(off, 4, v)
			require.NoError(t, err)
			after, err := c.Read(off, 4)
			require.NoError(t, err)
			m |= before ^ after
		}
		out = append(out, m)
	}
	return out
}

// TestProtocolDocConfigSpace keeps the section "Configuration space" of
// docs/device-protocol.md generated from the reference members: the
// bytes a host reads from a virtio-blk and a virtio-net VF (through
// configuration reads of the member, checked against package pcie's VF
// layout) and the bits a write changes.
func TestProtocolDocConfigSpace(t *testing.T) {
	const vectors = 3
	c := member.Config{RID: cfgRID, BAR0: 0xfe000000, NumQueues: 2, MSIXVectors: vectors}
	devs := []struct {
		name string
		d    member.Device
	}{{"virtio-blk", blk.New(c)}, {"virtio-net", membernet.New(c)}}
	var b strings.Builder
	fmt.Fprintf(&b, generatedBy, "TestProtocolDocConfigSpace", "TestProtocolDocConfigSpace")
	b.WriteString("A member is a VF: the kit and the owner's host read its configuration space with `CfgRd` TLPs " +
		"and write it with `CfgWr` TLPs (1, 2 or 4 bytes, never crossing a dword), and a device must present " +
		"the layout below, which is the reference's (package pcie, NewVFTemplate; the PF's Vendor and Device " +
		"IDs, the VF Device ID and the BARs are the owner's, in the PF's SR-IOV capability). Offsets 0x100 to " +
		"0xfff read 0: a VF has no extended capabilities. The values are those of a member with " +
		fmt.Sprintf("%d MSI-X vectors (`msix_vectors`, default num_queues + 1): Message Control's Table Size is the vector count minus one. ", vectors) +
		"The device configuration structure's length is the device type's: it is the only difference between " +
		"the two types.\n\n")
	var blkCfg []byte
	for _, dv := range devs {
		got := readCfg(t, dv.d)
		devLen := binary.LittleEndian.Uint32(got[pcie.VirtioDeviceCapOffset+pcie.VirtioCapLength:])
		fresh := func() *pcie.ConfigSpace {
			cs, err := pcie.NewVFConfig(pcie.VFOptions{RID: cfgRID, MSIXVectors: vectors, DeviceCfgLen: devLen})
			require.NoError(t, err)
			return cs
		}
		var want []byte
		ref := fresh()
		for off := 0; off < 0x100; off += 4 {
			v, err := ref.Read(off, 4)
			require.NoError(t, err)
			want = binary.LittleEndian.AppendUint32(want, v)
		}
		require.Equal(t, want, got, "%s: the member's configuration space is package pcie's VF layout", dv.name)
		if blkCfg == nil {
			blkCfg = got
			b.WriteString(cfgTable(got, writableBits(t, fresh)))
			continue
		}
		for off := 0; off < 0x100; off += 4 {
			if v, w := le32(got, off), le32(blkCfg, off); v != w {
				fmt.Fprintf(&b, "\nA %s member differs at 0x%02x only where said: 0x%08x (%s).\n", dv.name, off, v, cfgName(got, off))
			}
		}
	}
	golden.CheckSection(t, protocolDoc, "config-space", []byte(b.String()))
}

func le32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

// cfgTable lists every dword that reads non-zero or has writable bits.
func cfgTable(cfg []byte, wr []uint32) string {
	var b strings.Builder
	b.WriteString("| offset | what | reads (little-endian dword) | bits a write changes |\n|---|---|---|---|\n")
	for off := 0; off < 0x100; off += 4 {
		v, w := le32(cfg, off), wr[off/4]
		if v == 0 && w == 0 {
			continue
		}
		ws := "none (read-only)"
		if w != 0 {
			ws = fmt.Sprintf("0x%08x", w)
		}
		fmt.Fprintf(&b, "| 0x%02x | %s | 0x%08x | %s |\n", off, cfgName(cfg, off), v, ws)
	}
	return b.String()
}

// cfgName names the registers of the dword at off, from the header's
// layout and the capability chain as read.
func cfgName(cfg []byte, off int) string {
	switch off {
	case pcie.RegVendorID:
		return "Vendor ID, Device ID: 0xffff each on a VF"
	case pcie.RegCommand:
		return "Command (Bus Master, Parity, SERR#; a VF's Memory Space is its PF's VF MSE), Status (bit 4: capability list)"
	case pcie.RegRevisionID:
		return "Revision ID, Class Code"
	case pcie.RegCacheLineSize:
		return "Cache Line Size, Latency Timer, Header Type, BIST"
	case pcie.RegSubsystemVendorID:
		return "Subsystem Vendor ID, Subsystem ID"
	case pcie.RegCapPtr:
		return fmt.Sprintf("Capabilities Pointer: 0x%02x", cfg[off])
	}
	for p := int(cfg[pcie.RegCapPtr]); p != 0 && p < 0x100; p = int(cfg[p+1]) {
		length := capLen(cfg, p)
		if off < p&^3 || off >= p+length {
			continue
		}
		id, next := cfg[p], cfg[p+1]
		head := fmt.Sprintf("capability at 0x%02x, ID 0x%02x, next 0x%02x, %d bytes", p, id, next, length)
		rel := off - p
		switch id {
		case pcie.CapIDPM:
			return "Power Management " + head + pick(rel, map[int]string{0: "", 4: ": PMCSR (PowerState bits 0-1, PME_En; No_Soft_Reset set)"})
		case pcie.CapIDPCIe:
			return "PCI Express " + head + pick(rel, map[int]string{0: "", pcie.PCIeDevCap: ": Device Capabilities (bit 28: FLR capable)",
				pcie.PCIeDevCtl: ": Device Control (bit 15 Initiate FLR: starts an FLR, reads 0), Device Status"})
		case pcie.CapIDMSIX:
			return "MSI-X " + head + pick(rel, map[int]string{0: ": Message Control (Table Size, Function Mask bit 14, Enable bit 15)",
				pcie.MSIXTableReg: fmt.Sprintf(": Table Offset %#x, BIR %d", le32(cfg, off)&^7, le32(cfg, off)&7),
				pcie.MSIXPBAReg:   fmt.Sprintf(": PBA Offset %#x, BIR %d", le32(cfg, off)&^7, le32(cfg, off)&7)})
		case pcie.CapIDVendor:
			return fmt.Sprintf("virtio %s", head) + pick(rel, map[int]string{0: fmt.Sprintf(": cap_len %d, cfg_type %d", cfg[p+2], cfg[p+3]),
				4: fmt.Sprintf(": bar %d", cfg[p+pcie.VirtioCapBAR]), 8: fmt.Sprintf(": offset %#x in BAR0", le32(cfg, p+8)),
				12: fmt.Sprintf(": length %#x", le32(cfg, p+12)), 16: fmt.Sprintf(": notify_off_multiplier %d", le32(cfg, p+16))})
		}
		return head
	}
	return "reserved"
}

// capLen is the length of the capability at p.
func capLen(cfg []byte, p int) int {
	switch cfg[p] {
	case pcie.CapIDPM:
		return 8
	case pcie.CapIDPCIe:
		return 0x3c
	case pcie.CapIDMSIX:
		return 12
	case pcie.CapIDVendor:
		return int(cfg[p+2])
	}
	return 4
}

// pick returns the text of the dword at rel (offset in the capability,
// rounded down to a dword), "" when none is given.
func pick(rel int, texts map[int]string) string {
	return texts[rel&^3]
}
