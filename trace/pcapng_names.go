package trace

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strings"
)

// Endpoint addresses. Wireshark's address-based tools (Flow Graph,
// Endpoints, the Source and Destination columns with name resolution)
// need an address per endpoint; docs/migsim.lua gives each endpoint name
// (vcpu0, hv, src.vf1, src.mem) the IPv4 address EndpointAddr computes, and
// WritePcapng lists every endpoint of the trace in a pcapng Name
// Resolution Block, so with network name resolution on (tshark -N n,
// Wireshark View > Name Resolution > Resolve Network Addresses) the
// addresses read as the names.
//
// The endpoints of a host's functions — the host itself, its PF, its
// memory and each of its VFs, up to the 65,535 a scenario may enable — get
// addresses by construction, one each, in 10.0.0.0/13 (EndpointHosts); the
// other names, the actors' a scenario chooses (guests, peers) and the
// hypervisor's, are hashed into the rest of 10.0.0.0/8, so an actor never
// shares a function's address. Two actors of one trace whose hashes meet
// (a scenario chooses their names freely) would be ambiguous, and
// WritePcapng refuses the trace, naming both.

// EndpointHosts are the host names whose functions' endpoints get
// addresses by construction, in the order of their address blocks: the
// world's hosts (world/vocab.Hosts) and room for one more (the world has
// at most four, world/passes.MaxHosts), eight /16 blocks in all.
var EndpointHosts = [...]string{"src", "dst", "dst2"}

// endpointHostBlocks is the number of /16 blocks of 10.0.0.0/8 that
// host functions hold: two per host, for four hosts. Hashed names take
// the other 248.
const endpointHostBlocks = 8

// MaxEndpointVF is the highest VF number whose endpoint (HOST.vfN) gets
// an address by construction: scenario.MaxVFs.
const MaxEndpointVF = 65535

// EndpointAddr returns the IPv4 address of an endpoint name. A host
// function's name (EndpointHosts[h], optionally followed by ".pf",
// ".mem" or ".vfN", N from 1 to MaxEndpointVF in decimal without leading
// zeros) is 10.x.y.z with x.y.z = h<<17 + c, c being 0 for the host, 1
// for its PF, 2 for its memory and 2+N for VF N: 10.0.0.0/13, no two
// alike. Any other name is 10.x.y.z with x.y.z = 8<<16 + (its 32-bit
// FNV-1a hash modulo 248<<16): never in 10.0.0.0/13.
func EndpointAddr(name string) [4]byte {
	v, ok := functionCode(name)
	if !ok {
		h := fnv.New32a()
		h.Write([]byte(name))
		v = endpointHostBlocks<<16 + h.Sum32()%((256-endpointHostBlocks)<<16)
	}
	return [4]byte{10, byte(v >> 16), byte(v >> 8), byte(v)}
}

// functionCode returns the 24-bit address code of a host function's
// endpoint name (EndpointAddr), false for any other name.
func functionCode(name string) (uint32, bool) {
	for h, host := range EndpointHosts {
		rest, ok := strings.CutPrefix(name, host)
		if !ok {
			continue
		}
		var c uint32
		switch {
		case rest == "":
			c = 0
		case rest == ".pf":
			c = 1
		case rest == ".mem":
			c = 2
		default:
			n, ok := vfNumber(rest)
			if !ok {
				continue // src.x is no function of src; dst2… is not dst's
			}
			c = 2 + n
		}
		return uint32(h)<<17 + c, true
	}
	return 0, false
}

// vfNumber returns N of ".vfN", N from 1 to MaxEndpointVF in decimal
// without leading zeros (as owner.Target names a VF), false for anything
// else.
func vfNumber(s string) (uint32, bool) {
	d, ok := strings.CutPrefix(s, ".vf")
	if !ok || d == "" || len(d) > 5 || d[0] == '0' {
		return 0, false
	}
	n := uint32(0)
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return 0, false
		}
		n = n*10 + uint32(d[i]-'0')
	}
	return n, n <= MaxEndpointVF
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
