package blk

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Limits of the block workload's arguments.
const (
	// MaxSector is the highest sector a request may name (the world's
	// largest disk is 2^32 sectors).
	MaxSector = 1<<32 - 1
	// MaxCount bounds the sectors of one request (128 KiB).
	MaxCount = 256
)

// requestKinds are the block requests a workload can issue.
var requestKinds = []string{"write", "read", "flush", "get-id"}

// requestArgs are the arguments of one block request.
var requestArgs = []scenario.ArgSpec{
	{Name: "sector", Kind: scenario.ArgInt, Min: 0, Max: MaxSector, Default: "0", Doc: "first sector"},
	{Name: "count", Kind: scenario.ArgInt, Min: 1, Max: MaxCount, Default: "1", Doc: "sectors (read, write)"},
	{Name: "pattern", Kind: scenario.ArgInt, Min: 0, Max: 255, Default: "0x5a", Doc: "the byte a write's data is made from"},
	{Name: "q", Kind: scenario.ArgQueue, Default: "0", Doc: "the request queue"},
}

func withKind(args []scenario.ArgSpec) []scenario.ArgSpec {
	kind := scenario.ArgSpec{Name: "KIND", Positional: true, Kind: scenario.ArgWord, Values: requestKinds, Required: true,
		Doc: "the request: write, read, flush or get-id"}
	return append([]scenario.ArgSpec{kind}, args...)
}

// Verbs is the block driver's workload language (docs/scenarios.md, "Guest
// operations").
var Verbs = scenario.VerbTable{
	{Name: "probe", Args: []scenario.ArgSpec{
		{Name: "from", Kind: scenario.ArgWord, Values: probePoints[:3], Default: "start",
			Doc: "where to start: start, or the point an earlier probe until= stopped at"},
		{Name: "until", Kind: scenario.ArgWord, Values: probePoints[1:], Default: "end",
			Doc: "where to stop: features-ok (right after the FEATURES_OK write), queue-enable (right after the last queue_enable write) or end"}},
		Resume: &scenario.Resume{From: "from", Until: "until", Points: probePoints},
		Doc:    "initialise the device as Linux does and read the capacity"},
	{Name: "write", Args: requestArgs, Doc: "one write request; waits for its interrupt"},
	{Name: "read", Args: requestArgs, Doc: "one read request, checked against what the guest wrote; waits"},
	{Name: "flush", Args: requestArgs, Doc: "one flush request; waits"},
	{Name: "get-id", Args: requestArgs, Doc: "one GET_ID request; waits"},
	{Name: "submit", Args: withKind(requestArgs), Doc: "post a request and kick, without waiting"},
	{Name: "post", Args: withKind(requestArgs), Doc: "post a request without kicking"},
	{Name: "wait", Doc: "wait until every submitted request completed"},
	{Name: "kick", Args: []scenario.ArgSpec{requestArgs[3]}, Doc: "write the queue's doorbell"},
	{Name: "wce", Args: []scenario.ArgSpec{{Name: "STATE", Positional: true, Kind: scenario.ArgWord, Values: []string{"on", "off"}, Required: true},
		{Name: "readback", Kind: scenario.ArgWord, Values: []string{"yes", "no"}, Default: "yes", Doc: "read the field back after the write (no: the write alone, a posted write nothing pushes)"}},
		Doc: "write the writeback field and read it back"},
	{Name: "read-config", Doc: "read capacity (generation loop) and writeback"},
	{Name: "config-vector", Args: []scenario.ArgSpec{{Name: "set", Kind: scenario.ArgInt, Min: -1, Max: 0xffff, Default: "-1",
		Doc: "the vector to write (-1: only read)"}},
		Doc: "write config_msix_vector (common configuration) and read it back, as vp_modern_config_vector does; log the value read"},
	{Name: "reset", Doc: "device_status <- 0, poll until it reads 0"},
	{Name: "flr", Doc: "function-level reset, 100 ms, poll until the function answers"},
	{Name: "pm", Args: []scenario.ArgSpec{{Name: "STATE", Positional: true, Kind: scenario.ArgWord, Values: []string{"d3", "d0"}, Required: true}},
		Doc: "PMCSR power state, 10 ms recovery"},
}

// Info registers the block driver: it binds virtio-blk VFs.
var Info = guest.Info{
	Name:     "blk",
	DeviceID: spec.PCIDeviceVirtioBlk,
	Verbs:    Verbs,
	Doc:      "Linux-like virtio-pci block driver (virtio_pci_modern, virtio_blk)",
	New:      func(bus guest.Bus, cfg guest.Config) guest.Driver { return NewWithPlan(bus, cfg.Plan) },
}

// Log returns the guest-visible history.
func (g *Driver) Log() []string { return g.log }

// Trouble returns the lines of the log that tell of trouble, in log
// order, as data (guest.Trouble).
func (g *Driver) Trouble() []guest.Trouble { return g.trouble.Trouble() }

// Exec runs one operation of Verbs.
func (g *Driver) Exec(op scenario.Op) error {
	verbs := Verbs.Lookup(op.Verb, 0)
	if len(verbs) == 0 {
		return fmt.Errorf("unknown blk operation %q (want %s)", op.Verb, strings.Join(Verbs.Names(0), ", "))
	}
	v, err := scenario.Bind(verbs[0], op, scenario.Context{Queues: g.wantQueues})
	if err != nil {
		return err
	}
	q := int(v.Int("q"))
	switch op.Verb {
	case "probe":
		g.ProbePart(probePoint(v.Str("from")), probePoint(v.Str("until")))
	case "write", "read", "flush", "get-id", "submit", "post":
		kind := op.Verb
		if op.Verb == "submit" || op.Verb == "post" {
			kind = v.Str("KIND")
		}
		sector, count, pat := uint64(v.Int("sector")), int(v.Int("count")), byte(v.Int("pattern"))
		switch op.Verb {
		case "post":
			g.Post(q, kind, sector, count, pat)
		case "submit":
			g.Submit(q, kind, sector, count, pat)
		default:
			g.Submit(q, kind, sector, count, pat)
			g.WaitAll()
		}
	case "wait":
		g.WaitAll()
	case "kick":
		g.Kick(q)
	case "wce":
		g.SetWCE(v.Str("STATE") == "on", v.Str("readback") == "yes")
	case "read-config":
		g.ReadConfig()
	case "config-vector":
		g.ConfigVector(int(v.Int("set")))
	case "reset":
		g.Reset()
	case "flr":
		g.FLR()
	case "pm":
		g.SetPowerState(v.Str("STATE") == "d3")
	}
	return nil
}
