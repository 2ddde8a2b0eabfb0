package hv

// atomicLoad runs load, one VF's write or load at destination h, through
// the world's load oracles (docs/compat.md, "Decision procedure", step
// 10), and records a success when sets says the load sent the VM's state:
// a virtio-1.4 load with no saved record to send (the flow saved nothing)
// sets nothing, and the destination does not take the VM's state by it
// (HostFlags.Received). A write or a VFIO stream write always counts: what
// it carries is what the device gave the source, and a device that gave
// nothing is the device's to answer for.
func (hv *Hypervisor) atomicLoad(h Host, vf int, sets bool, load func() error) error {
	return hv.w.CheckedLoad(h, vf, hv.name, func() error {
		err := load()
		if err == nil && sets {
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
