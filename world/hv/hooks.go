package hv

// atomicLoad runs load, one VF's write or load at destination h, through
// the world's load oracles (docs/compat.md, "Decision procedure", step
// 10), and records a success.
func (hv *Hypervisor) atomicLoad(h Host, vf int, load func() error) error {
	return hv.w.CheckedLoad(h, vf, hv.name, func() error {
		err := load()
		if err == nil {
			hv.compat.received[h.Index()] = true
		}
		return err
	})
}

// flowEnd runs the flow oracles once the hypervisor's program ended.
func (hv *Hypervisor) flowEnd() {
	hosts := hv.w.Hosts()
	flags := make([]HostFlags, len(hosts))
	for i, h := range hosts {
		flags[i] = HostFlags{VFsGone: hv.w.VFsGone(h.Index()), Touched: hv.compat.touched[h.Index()], Received: hv.compat.received[h.Index()]}
	}
	hv.w.FlowEnd(hv.outcome(), flags)
}
