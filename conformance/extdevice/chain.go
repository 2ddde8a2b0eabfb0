package extdevice

import (
	"bytes"

	"github.com/migsim/migsim/conformance/extdevice/wire"
	"github.com/migsim/migsim/internal/deephash"
)

// The input chain (member.InputChained). A device behind the protocol is
// deterministic — the kit assumes it, and fails a row with check `device
// determinism` when a path run again gives other effects
// (docs/conformance.md) — so its state is a function
// of everything it read: the `new` that built it, every `event`, and the
// kit's answers to its nested requests (mem-data, disk-data, disk-done),
// in order. Those are exactly the lines the kit sends in the device's
// exchanges, so the proxy hashes each of them into a chain, and the world
// hashes the member by that chain where it would walk an in-process
// device's fields. What the device writes (its nested requests, its
// replies) follows from what it read and is left out; Status and
// ContextDigest are the last reply's, kept by the proxy, so the world's
// queries on every step reach the device not at all and are no inputs.
//
// Three parts of a line name rather than tell: the request's id (a
// number per process, which differs between two runs of one path), the
// device's dev number (a handle the kit picks, never reused) and the
// devices a `new` drops (other devices, those released since the
// process's last `new`: device.Release). They are left out, so a device must not
// let them decide what it does — as running a path again already
// requires, which gives it other numbers. Each device's chain holds its
// own lines alone: devices of one process must not share state, which
// running a path again, while other devices live in the same process (or
// in another process of the pool), requires as well.

// chainLine returns chain c followed by line, the line the kit sends for
// m in an exchange of one device, without m's id, dev and drop.
func (p *process) chainLine(c uint64, line []byte, m *Message) uint64 {
	if m.Dev == 0 && len(m.Drop) == 0 {
		// The id is the first key (wire.Append): hash from the comma
		// after it.
		return deephash.Bytes(c, line[bytes.IndexByte(line, ','):])
	}
	id, dev, drop := m.ID, m.Dev, m.Drop
	m.ID, m.Dev, m.Drop = 0, 0, nil
	p.chainBuf = wire.Append(p.chainBuf[:0], m)
	m.ID, m.Dev, m.Drop = id, dev, drop
	return deephash.Bytes(c, p.chainBuf)
}

// InputChain implements member.InputChained: the chain of every line the
// kit sent the device, from its `new` on.
func (d *device) InputChain() uint64 { return d.chain }
