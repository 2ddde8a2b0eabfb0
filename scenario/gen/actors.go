package gen

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// guest builds guest i, bound to VF i+1, running the default driver: a
// probe, then a workload drawn from the driver's verbs.
func (g *generator) guest(i int) *scenario.Program {
	p := &scenario.Program{Kind: scenario.ActorGuest, Name: fmt.Sprintf("vcpu%d", i)}
	if g.s.VFs > 1 || g.r.IntN(2) == 0 {
		p.Args = []scenario.Arg{kv("vf", fmt.Sprint(i+1))}
	}
	if g.net {
		p.Args = append(p.Args, kv("driver", "net"))
		p.Ops = append(p.Ops, g.probe()...)
		n := 1 + g.r.IntN(g.cfg.MaxOps)
		for len(p.Ops) < n+1 {
			p.Ops = append(p.Ops, g.netOps()...)
		}
		return p
	}
	w := &workload{g: g, base: i * sectorsPerGuest, verbs: g.driverVerbs()}
	p.Ops = append(p.Ops, g.probe()...)
	n := 1 + g.r.IntN(g.cfg.MaxOps)
	for len(p.Ops) < n+1 {
		p.Ops = append(p.Ops, w.next()...)
	}
	if w.inflight {
		p.Ops = append(p.Ops, op("wait"))
	}
	return p
}

// probe returns the guest's first probe: whole, or, now and then, cut in
// two at one of the points the driver's probe stops at (until=POINT, then
// from=POINT), which the scenario language allows anywhere a probe goes.
func (g *generator) probe() []scenario.Op {
	specs := g.driverVerbs().Lookup("probe", 0)
	if g.net {
		if d, ok := g.v.Driver("net"); ok {
			specs = d.Verbs.Lookup("probe", 0)
		}
	}
	if len(specs) == 0 || specs[0].Resume == nil || g.r.IntN(2) == 0 {
		return []scenario.Op{op("probe")}
	}
	r := specs[0].Resume
	if len(r.Points) < 3 {
		return []scenario.Op{op("probe")}
	}
	// The points between the first (the start) and the last (the end),
	// but a net probe's pair-K beyond the scenario's pairs.
	var points []string
	for _, p := range r.Points[1 : len(r.Points)-1] {
		var k int
		if _, err := fmt.Sscanf(p, "pair-%d", &k); err == nil && k > (g.s.Queues-1)/2 {
			continue
		}
		points = append(points, p)
	}
	pt := pick(g, points...)
	return []scenario.Op{op("probe", kv(r.Until, pt)), op("probe", kv(r.From, pt))}
}

// driverVerbs are the default driver's verb names.
func (g *generator) driverVerbs() scenario.VerbTable {
	if d, ok := g.v.Driver(g.v.DefaultDriver); ok {
		return d.Verbs
	}
	return nil
}

// workload draws one guest's operations, keeping its log independent of
// the schedule: writes and reads within the guest's own sectors, reads of
// completed writes only, requests in flight only between a post or submit
// and the next wait, resets and FLRs with nothing in flight (and a probe
// after them), D3 always followed by D0.
type workload struct {
	g     *generator
	verbs scenario.VerbTable
	base  int
	// cursor is the next free sector of the guest's range; inflight is
	// set between a post/submit and the wait that completes it.
	cursor   int
	inflight bool
}

// request returns the arguments of one request on fresh sectors.
func (w *workload) request(count int) []scenario.Arg {
	g := w.g
	if w.cursor+count > sectorsPerGuest {
		w.cursor = 0
	}
	sector := w.base + w.cursor
	w.cursor += count
	args := []scenario.Arg{kv("sector", fmt.Sprint(sector)), kv("count", fmt.Sprint(count)),
		kv("pattern", fmt.Sprintf("%#x", g.r.IntN(256)))}
	if g.s.Queues > 1 {
		args = append(args, kv("q", fmt.Sprint(g.r.IntN(g.s.Queues))))
	}
	return args
}

// readBack reads sectors the guest completed (or never wrote: zeros).
func (w *workload) readBack() []scenario.Arg {
	g := w.g
	count := 1 + g.r.IntN(4)
	sector := w.base + g.r.IntN(sectorsPerGuest-count+1)
	return []scenario.Arg{kv("sector", fmt.Sprint(sector)), kv("count", fmt.Sprint(count))}
}

// has reports whether the driver publishes a verb.
func (w *workload) has(verb string) bool { return w.verbs.Has(verb, 0) }

// next returns the next operations of the workload.
func (w *workload) next() []scenario.Op {
	g := w.g
	kinds := []string{"write", "read", "flush", "get-id", "submit", "post", "wce", "read-config", "reset", "flr", "pm", "sleep", "config-vector"}
	for {
		k := pick(g, kinds...)
		if k != "sleep" && !w.has(k) {
			continue
		}
		if w.inflight && k != "submit" && k != "post" {
			// Complete what is in flight before anything else.
			w.inflight = false
			return []scenario.Op{op("wait")}
		}
		switch k {
		case "write":
			return []scenario.Op{op("write", w.request(1+g.r.IntN(4))...)}
		case "read":
			return []scenario.Op{op("read", w.readBack()...)}
		case "flush", "get-id":
			return []scenario.Op{op(k)}
		case "submit", "post":
			kind := pick(g, "write", "flush", "get-id")
			var args []scenario.Arg
			if kind == "write" {
				args = w.request(1 + g.r.IntN(2))
			}
			w.inflight = true
			ops := []scenario.Op{op(k, append([]scenario.Arg{bare(kind)}, args...)...)}
			if k == "post" {
				// Nobody rings the doorbell of a posted request but the
				// guest itself (peers kick only what they are told to).
				ops = append(ops, op("kick", args2q(args)...))
			}
			return ops
		case "wce":
			return []scenario.Op{op("wce", bare(pick(g, "on", "off"))), op("read-config")}
		case "read-config":
			return []scenario.Op{op("read-config")}
		case "reset", "flr":
			return []scenario.Op{op(k), op("probe")}
		case "pm":
			return []scenario.Op{op("pm", bare("d3")), op("pm", bare("d0"))}
		case "config-vector":
			// Without set= a read; with it the write and its read-back
			// (the value is the guest's, so the log does not depend on
			// the schedule).
			if g.r.IntN(2) == 0 {
				return []scenario.Op{op(k)}
			}
			return []scenario.Op{op(k, kv("set", fmt.Sprint(g.r.IntN(3))))}
		case "sleep":
			return []scenario.Op{op("sleep", kv("ms", fmt.Sprint(1+g.r.IntN(5))))}
		}
	}
}

// args2q keeps the q= of a request's arguments (a kick names the queue).
func args2q(args []scenario.Arg) []scenario.Arg {
	for _, a := range args {
		if a.Key == "q" {
			return []scenario.Arg{a}
		}
	}
	return nil
}

// peer adds a peer device backed by a VF no guest uses: it waits for the
// guest to post a request, then rings that queue's doorbell.
func (g *generator) peer(vf int, gp *scenario.Program) {
	name := g.signal()
	posted := -1
	for i, o := range gp.Ops {
		if o.Verb == "post" {
			posted = i
			break
		}
	}
	ops := []scenario.Op{op("await", bare(name))}
	if posted < 0 {
		// The guest posts one write for the peer and waits for it.
		gp.Ops = append(gp.Ops, op("post", bare("write"), kv("sector", "63"), kv("count", "1")),
			op("signal", bare(name)), op("wait"))
	} else {
		gp.Ops = slices.Insert(gp.Ops, posted+1, op("signal", bare(name)))
	}
	gvf := "1"
	if v, ok := scenario.Lookup(gp.Args, "vf"); ok {
		gvf = v
	}
	ops = append(ops, op("kick", kv("vf", gvf), kv("q", "0")))
	g.s.Actors = append(g.s.Actors, &scenario.Program{Kind: scenario.ActorPeer, Name: "p2p",
		Args: []scenario.Arg{kv("vf", fmt.Sprint(vf))}, Ops: ops})
}

// faultVerbs are hypervisor verbs generated flows leave out: faults and a
// disk resize change what the guest sees without migration, depending on
// the schedule.
var faultVerbs = []string{"pf-flr", "fail", "corrupt", "resize", "signal", "await", "sleep"}

// hypervisor builds a flow for ed: the plain migration of the edition with
// random changes (an operation dropped, two swapped, one of the edition's
// verbs inserted with random arguments), or the halted plain migration.
func (g *generator) hypervisor(ed spec.Edition) *scenario.Program {
	p := &scenario.Program{Kind: scenario.ActorHypervisor, Name: "hypervisor", Edition: ed}
	ops := PlainMigration(ed, g.r.IntN(2) == 0)
	if g.r.IntN(2) == 0 {
		p.Args = []scenario.Arg{kv("on-error", pick(g, "stop", "rollback"))}
	}
	for n := g.r.IntN(3); n > 0; n-- {
		switch g.r.IntN(3) {
		case 0:
			if len(ops) > 1 {
				i := g.r.IntN(len(ops))
				ops = slices.Delete(ops, i, i+1)
			}
		case 1:
			if len(ops) > 1 {
				i := g.r.IntN(len(ops) - 1)
				ops[i], ops[i+1] = ops[i+1], ops[i]
			}
		default:
			if o, ok := g.hvOp(ed); ok {
				ops = slices.Insert(ops, g.r.IntN(len(ops)+1), o)
			}
		}
	}
	p.Ops = ops
	return p
}

// hvOp draws one of the edition's hypervisor verbs with random arguments.
func (g *generator) hvOp(ed spec.Edition) (scenario.Op, bool) {
	var verbs []*scenario.VerbSpec
	for i := range g.v.Hypervisor {
		v := &g.v.Hypervisor[i]
		if v.In(ed) && !slices.Contains(faultVerbs, v.Name) {
			verbs = append(verbs, v)
		}
	}
	if len(verbs) == 0 {
		return scenario.Op{}, false
	}
	v := pick(g, verbs...)
	o := scenario.Op{Verb: v.Name}
	for _, a := range v.Args {
		if !a.Required && g.r.IntN(2) == 0 {
			continue
		}
		val := g.argValue(a)
		if a.Positional {
			o.Args = append(o.Args, bare(val))
		} else {
			o.Args = append(o.Args, kv(a.Name, val))
		}
	}
	return o, true
}

// PlainMigration is the edition's default flow, with the vCPUs halted
// before anything moves when halted is set (right after the precheck,
// which moves nothing) and resumed at the end.
func PlainMigration(ed spec.Edition, halted bool) []scenario.Op {
	var names [][]string
	if ed == spec.Virtio14 {
		names = [][]string{{"precheck", "dst"}, {"vfio", "src", "PRE_COPY"}, {"precopy", "src"}, {"halt-vcpus"},
			{"vfio", "src", "PRE_COPY_P2P"}, {"vfio", "src", "STOP_COPY"}, {"copy-memory", "dst"}, {"copy-pci", "dst"},
			{"vfio", "dst", "RESUMING"}, {"vfio-write", "dst"}, {"vfio", "dst", "STOP"}, {"switchover", "dst"},
			{"vfio", "dst", "RUNNING"}, {"resume-vcpus"}, {"vfio", "src", "STOP"}}
	} else {
		names = [][]string{{"precheck", "dst"}, {"mode", "src", "stop"}, {"read", "src"}, {"halt-vcpus"},
			{"mode", "src", "freeze"}, {"read", "src"}, {"copy-memory", "dst"}, {"copy-pci", "dst"},
			{"mode", "dst", "freeze"}, {"write", "dst"}, {"switchover", "dst"}, {"mode", "dst", "active"}, {"resume-vcpus"}}
	}
	var ops []scenario.Op
	for _, n := range names {
		if halted && n[0] == "halt-vcpus" {
			continue
		}
		o := op(n[0])
		for _, a := range n[1:] {
			o.Args = append(o.Args, bare(a))
		}
		ops = append(ops, o)
		if halted && n[0] == "precheck" {
			ops = append(ops, op("halt-vcpus"))
		}
	}
	if halted {
		// resume-vcpus moves to the very end.
		i := slices.IndexFunc(ops, func(o scenario.Op) bool { return o.Verb == "resume-vcpus" })
		ops = append(slices.Delete(ops, i, i+1), op("resume-vcpus"))
	}
	return ops
}

// netOps draws a net guest's next operations: transmits that complete
// before anything else, control commands that wait for their acks, config
// reads.
func (g *generator) netOps() []scenario.Op {
	pairs := (g.s.Queues - 1) / 2
	q := kv("q", fmt.Sprint(g.r.IntN(pairs)))
	n := kv("n", fmt.Sprint(1+g.r.IntN(3)))
	switch g.r.IntN(7) {
	case 0:
		return []scenario.Op{op("send", n, q)}
	case 1:
		return []scenario.Op{op("xmit", n, q), op("wait")}
	case 2:
		return []scenario.Op{op("post", n, q), op("kick", q), op("wait")}
	case 3:
		return []scenario.Op{op("read-config")}
	case 4:
		return []scenario.Op{op("mac-table", kv("uc", fmt.Sprint(g.r.IntN(3))), kv("mc", fmt.Sprint(g.r.IntN(3))))}
	case 5:
		return []scenario.Op{op("rx-mode", bare(pick(g, "promisc", "allmulti", "alluni")), bare(pick(g, "on", "off")))}
	default:
		return []scenario.Op{op("vlan", bare(fmt.Sprint(1+g.r.IntN(100))))}
	}
}
