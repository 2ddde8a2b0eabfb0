package trace

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
)

// Endpoint addresses. Wireshark's address-based tools (Flow Graph,
// Endpoints, the Source and Destination columns with name resolution)
// need an address per endpoint; docs/migsim.lua gives each endpoint name
// (vcpu0, hv, src.vf1, src.mem) the IPv4 address EndpointAddr computes, and
// WritePcapng lists every endpoint of the trace in a pcapng Name
// Resolution Block, so with network name resolution on (tshark -N n,
// Wireshark View > Name Resolution > Resolve Network Addresses) the
// addresses read as the names.

// EndpointAddr returns the IPv4 address of an endpoint name: 10.x.y.z with
// x.y.z the low 24 bits of the name's 32-bit FNV-1a hash.
func EndpointAddr(name string) [4]byte {
	h := fnv.New32a()
	h.Write([]byte(name))
	v := h.Sum32()
	return [4]byte{10, byte(v >> 16), byte(v >> 8), byte(v)}
}

// ngBlockTypeNameResolution is the pcapng Name Resolution Block type.
const ngBlockTypeNameResolution = 0x00000004

// endpointNames returns the endpoint names of the records, sorted.
func endpointNames(records []Record) []string {
	seen := map[string]bool{}
	var out []string
	for i := range records {
		from, to := Endpoints(&records[i].TraceEvent)
		for _, n := range []string{from, to} {
			if n != "" && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// writeNameResolution writes a Name Resolution Block mapping each
// endpoint's address to its name (little-endian, as the section header).
// Two names whose addresses collide would be ambiguous: that is an error.
func writeNameResolution(w io.Writer, names []string) error {
	byAddr := map[[4]byte]string{}
	var body []byte
	for _, n := range names {
		a := EndpointAddr(n)
		if other, dup := byAddr[a]; dup {
			return fmt.Errorf("endpoints %q and %q share the address %d.%d.%d.%d", other, n, a[0], a[1], a[2], a[3])
		}
		byAddr[a] = n
		v := append(a[:], n...)
		v = append(v, 0)
		body = binary.LittleEndian.AppendUint16(body, 1) // nrb_record_ipv4
		body = binary.LittleEndian.AppendUint16(body, uint16(len(v)))
		body = append(body, v...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	body = append(body, 0, 0, 0, 0) // nrb_record_end
	total := uint32(12 + len(body))
	b := binary.LittleEndian.AppendUint32(nil, ngBlockTypeNameResolution)
	b = binary.LittleEndian.AppendUint32(b, total)
	b = append(b, body...)
	b = binary.LittleEndian.AppendUint32(b, total)
	_, err := w.Write(b)
	return err
}
