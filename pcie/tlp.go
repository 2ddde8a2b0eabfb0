package pcie

import "fmt"

// RID is a PCIe routing ID (bus<<8 | device<<3 | function).
type RID uint16

// String renders the RID as bb:dd.f.
func (r RID) String() string {
	return fmt.Sprintf("%02x:%02x.%d", uint8(r>>8), uint8(r>>3)&0x1f, uint8(r)&7)
}

// TLPKind is the kind of transaction that crosses the simulated bus.
type TLPKind uint8

// TLP kinds.
const (
	// CfgRead and CfgWrite address a function's configuration space; Addr is
	// the register offset.
	CfgRead TLPKind = iota + 1
	CfgWrite
	// MemRead and MemWrite address memory space: a device BAR (MMIO from a
	// CPU or a peer) or guest memory (DMA from a device).
	MemRead
	MemWrite
	// MSIX is a device's MSI-X message: a memory write of Data to Addr.
	MSIX
	// Completion carries the data of a read.
	Completion
)

var tlpKindNames = map[TLPKind]string{
	CfgRead: "CfgRd", CfgWrite: "CfgWr", MemRead: "MRd", MemWrite: "MWr", MSIX: "MSI-X", Completion: "Cpl",
}

// String returns CfgRd, CfgWr, MRd, MWr, MSI-X, Cpl or TLP_n.
func (k TLPKind) String() string {
	if n, ok := tlpKindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("TLP_%d", uint8(k))
}

// TLP is one transaction on the simulated bus. Requester is who issued it;
// Completer is the function it targets (for configuration and completion
// TLPs; memory TLPs are routed by address).
type TLP struct {
	Kind      TLPKind
	Requester RID
	Completer RID
	Addr      uint64
	// Data is the payload of a write, an MSI-X message or a completion.
	Data []byte
	// Len is the byte count of a read.
	Len int
}

// String renders the TLP for traces: kind, requester → completer, address,
// length and data in hex.
func (t TLP) String() string {
	switch t.Kind {
	case CfgRead, MemRead:
		return fmt.Sprintf("%s %s->%s addr=%#x len=%d", t.Kind, t.Requester, t.Completer, t.Addr, t.Len)
	default:
		return fmt.Sprintf("%s %s->%s addr=%#x data=%x", t.Kind, t.Requester, t.Completer, t.Addr, t.Data)
	}
}

// MSIXMessage is an interrupt a function raised: the vector and the
// address/data pair from its MSI-X table entry.
type MSIXMessage struct {
	Source RID
	Vector uint16
	Addr   uint64
	Data   uint32
}

// String renders the message for traces.
func (m MSIXMessage) String() string {
	return fmt.Sprintf("MSI-X %s vector=%d addr=%#x data=%#x", m.Source, m.Vector, m.Addr, m.Data)
}

// MemoryPort is how a device reaches guest memory. The world supplies it, so
// every DMA access is observed (oracle no-dma-when-stopped) and can be
// refused. Reads fill buf entirely or return an error. Like io.Reader and
// io.Writer, an implementation must not keep buf or data once the call
// returns: callers reuse them.
type MemoryPort interface {
	ReadMem(requester RID, addr uint64, buf []byte) error
	WriteMem(requester RID, addr uint64, data []byte) error
}
