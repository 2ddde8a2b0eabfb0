package blk_test

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
)

// Example shows two members, a source and a destination, built over the
// same disk (Config.Backing), as the two worlds of a migration are: a
// resize on the host reaches both through EvBackend.
func Example() {
	disk := blk.NewDisk(2048, "shared")
	const bar0 = 0xfe000000
	src := blk.New(member.Config{VF: 1, BAR0: bar0, Backing: disk})
	dst := blk.New(member.Config{VF: 1, BAR0: bar0, Backing: disk})
	disk.Resize(4096)
	capacity := func(d member.Device) uint64 {
		d.Handle(member.Event{Kind: member.EvBackend})
		fx := d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Addr: bar0 + pcie.BAR0DeviceCfg, Len: 8}})
		return binary.LittleEndian.Uint64(fx.ReadData)
	}
	fmt.Println(capacity(src), capacity(dst))
	// Output: 4096 4096
}
