package trace

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/passes"
	"github.com/migsim/migsim/world/record"
	"github.com/migsim/migsim/world/vocab"
)

// functionNames returns every host function's endpoint name the world
// can produce within its bounds: each host of EndpointHosts alone, its
// PF, its memory and its VFs 1 to MaxEndpointVF.
func functionNames() []string {
	var out []string
	for _, h := range EndpointHosts {
		out = append(out, h, h+".pf", h+".mem")
		for vf := 1; vf <= MaxEndpointVF; vf++ {
			out = append(out, h+".vf"+strconv.Itoa(vf))
		}
	}
	return out
}

// TestEndpointAddr_FunctionsCollisionFree enumerates the bounded name
// space of host functions — every host the world has, alone, its PF, its
// memory and every VF a scenario may enable — and finds no two with one
// address, every one in 10.0.0.0/13, apart from the hashed names. The
// bounds are the world's and the scenario parser's.
func TestEndpointAddr_FunctionsCollisionFree(t *testing.T) {
	require.Equal(t, vocab.Hosts, EndpointHosts[:], "the world's hosts")
	require.Equal(t, scenario.MaxVFs, MaxEndpointVF, "the most VFs a scenario enables")
	require.LessOrEqual(t, 2*passes.MaxHosts, endpointHostBlocks, "two /16 blocks for each host a world may have")
	names := functionNames()
	require.Len(t, names, len(EndpointHosts)*(3+scenario.MaxVFs))
	seen := make(map[[4]byte]string, len(names))
	for _, n := range names {
		a := EndpointAddr(n)
		if other, dup := seen[a]; dup {
			t.Fatalf("%s and %s share %v", other, n, a)
		}
		seen[a] = n
		if a[0] != 10 || a[1] >= endpointHostBlocks {
			t.Fatalf("%s: %v outside 10.0.0.0/13", n, a)
		}
	}
	// The construction as documented: host h's block, then 0 host, 1 PF,
	// 2 memory, 2+N VF N.
	assert.Equal(t, [4]byte{10, 0, 0, 0}, EndpointAddr("src"))
	assert.Equal(t, [4]byte{10, 0, 0, 1}, EndpointAddr("src.pf"))
	assert.Equal(t, [4]byte{10, 0, 0, 2}, EndpointAddr("src.mem"))
	assert.Equal(t, [4]byte{10, 2, 0, 3}, EndpointAddr("dst.vf1"))
	assert.Equal(t, [4]byte{10, 5, 0, 1}, EndpointAddr("dst2.vf65535"))
}

// TestEndpointAddr_OthersAreHashedApart: every name that is no host
// function — the actors' (guests, peers, the hypervisor), and near misses
// of functions' names (a VF beyond the bound, one with a leading zero, an
// unknown host or function) — is hashed above 10.8.0.0, so it never takes
// a function's address, and the same name always gets the same address.
func TestEndpointAddr_OthersAreHashedApart(t *testing.T) {
	names := []string{vocab.HVActorName, "vcpu0", "vcpu1", "wire", "peer", "src.vf0", "src.vf01", "src.vf65536",
		"src.vf100000", "src.vf", "src.vf1a", "src.vf-1", "src.vf+1", "src.x", "src.", "srcx", "dst3", "dst3.vf1", "dst2.", "x.src",
		"src.pf.x", "src.mem2", "", strings.Repeat("g", 255)}
	for i := 0; i < 100000; i++ {
		names = append(names, fmt.Sprintf("guest%d", i), fmt.Sprintf("src.vf%d", MaxEndpointVF+1+i))
	}
	for _, n := range names {
		if _, isFunction := functionCode(n); isFunction {
			t.Fatalf("%q read as a host function", n)
		}
		a := EndpointAddr(n)
		if a[0] != 10 || a[1] < endpointHostBlocks {
			t.Fatalf("%q: %v not in 10.0.0.0/8 above 10.8.0.0", n, a)
		}
		if again := EndpointAddr(n); again != a {
			t.Fatalf("%q: %v, then %v", n, a, again)
		}
	}
}

// vmRecords returns records whose endpoints are the actors names and
// every host function of functionNames, each a note from an actor to the
// function, as a trace of a VM with every VF a scenario may enable on
// every host would have them.
func vmRecords(actors []string) []Record {
	funcs := functionNames()
	recs := make([]Record, 0, len(funcs))
	for i, fn := range funcs {
		recs = append(recs, Record{TraceEvent: record.TraceEvent{Kind: record.TraceNote, From: actors[i%len(actors)], To: fn}})
	}
	return recs
}

// TestWriteNameResolution_EveryFunction: a trace whose endpoints are
// every host function a scenario may make, with the usual actors, gets
// its name resolution block; with hashed addresses its 196,614 names
// collided (a birthday bound: among 2^24 addresses, about 2,300 collide).
// Two actors a scenario names freely whose hashes meet are still refused,
// naming both.
func TestWriteNameResolution_EveryFunction(t *testing.T) {
	names := endpointNames(vmRecords([]string{"vcpu0", "vcpu1", vocab.HVActorName, "wire"}))
	require.Len(t, names, len(EndpointHosts)*(3+scenario.MaxVFs)+4)
	var b bytes.Buffer
	require.NoError(t, writeNameResolution(&b, names))
	// Two actor names of one hashed address: found among guest names.
	byAddr := map[[4]byte]string{}
	var x, y string
	for i := 0; x == ""; i++ {
		n := fmt.Sprintf("guest%d", i)
		a := EndpointAddr(n)
		if o, ok := byAddr[a]; ok {
			x, y = o, n
		}
		byAddr[a] = n
	}
	err := writeNameResolution(&b, []string{x, y})
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("endpoints %q and %q share the address", x, y))
}

// TestTsharkEndpointAddresses: the dissector gives every endpoint the
// address EndpointAddr gives it — host functions across the whole bound
// (the first and last VFs of every host and a sample between), the
// actors, and names that only look like functions' — as Wireshark's
// Source and Destination show them without name resolution, and as the
// file's name resolution block names them with it.
func TestTsharkEndpointAddresses(t *testing.T) {
	bin := tsharkPath(t)
	var names []string
	for _, h := range EndpointHosts {
		names = append(names, h, h+".pf", h+".mem")
		for _, vf := range []int{1, 2, 9, 10, 99, 100, 255, 256, 257, 999, 1000, 4095, 4096, 9999, 10000, 32767, 32768, 65534, 65535} {
			names = append(names, h+".vf"+strconv.Itoa(vf))
		}
	}
	names = append(names, "vcpu0", vocab.HVActorName, "wire", "src.vf0", "src.vf01", "src.vf65536", "srcx", "dst3.vf1", "src.x", "a:b/c-d_e.f")
	var events []record.TraceEvent
	for i, n := range names {
		events = append(events, record.TraceEvent{Step: i + 1, Kind: record.TraceNote, Host: "src", Target: "pf", Who: "vcpu0",
			From: n, To: names[(i+1)%len(names)], Text: "n"})
	}
	path := filepath.Join(t.TempDir(), "names.pcapng")
	var b bytes.Buffer
	require.NoError(t, WritePcapng(&b, events, Meta{Scenario: "names"}))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	for _, resolve := range []bool{false, true} {
		args := []string{"-r", path, "-T", "fields", "-E", "separator=|", "-e", "migsim.from", "-e", "migsim.to", "-e", "_ws.col.Source", "-e", "_ws.col.Destination"}
		if resolve {
			args = append([]string{"-N", "n"}, args...)
		}
		out := tshark(t, bin, args...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		require.Len(t, lines, len(events), out)
		for i, l := range lines {
			f := strings.Split(l, "|")
			require.Len(t, f, 4, l)
			from, to := events[i].From, events[i].To
			require.Equal(t, []string{from, to}, f[:2], l)
			want := []string{addrText(EndpointAddr(from)), addrText(EndpointAddr(to))}
			if resolve {
				want = []string{from, to}
			}
			assert.Equal(t, want, f[2:], "record %d (-N n: %v)", i, resolve)
		}
	}
}

// addrText writes an IPv4 address as Wireshark does.
func addrText(a [4]byte) string { return fmt.Sprintf("%d.%d.%d.%d", a[0], a[1], a[2], a[3]) }
