package member

import (
	"github.com/migsim/migsim/spec"
)

// deviceCfgWrite handles a driver write to the device configuration. The
// backend says which field the write changes (or why it is refused); the
// mode decides whether it applies: in Stop/stopped per stop-config-write,
// in Freeze never (the context is frozen).
func (d *Core) deviceCfgWrite(off uint64, data []byte, fx *Effects) {
	field, err := d.st.backend().CheckConfigWrite(off, data, spec.Features(d.st.DriverFeatures))
	if err != nil {
		fx.note("%v", err)
		return
	}
	switch {
	case d.mode == spec.ModeFreeze:
		fx.note("%s write ignored in Freeze", field)
		return
	case d.mode == spec.ModeStop && d.cfg.Rules.StopConfigWrite == spec.StopConfigIgnore:
		fx.note("%s write ignored in %s (stop-config-write=ignore)", field, d.modeName())
		return
	}
	d.st.backend().WriteConfig(off, data)
}

// hostEvent handles EvBackend: the backend's host-side resource changed. A
// backend with a HostIntake takes in what arrived first. A configuration
// change is applied now (its interrupt held while quiesced), except in
// Freeze, where the context must not change: it is taken up at the move to
// Active. Queues with host-side work are served.
func (d *Core) hostEvent(fx *Effects) {
	if in, ok := d.st.backend().(HostIntake); ok {
		if n := in.HostIntake(d.quiesced(), spec.Features(d.st.DriverFeatures)); n != "" {
			fx.note("%s", n)
		}
	}
	hc := d.st.backend().HostChange()
	switch {
	case !hc.Config:
		fx.note("backend event: %s", hc.What)
	case d.mode == spec.ModeFreeze:
		fx.note("backend event in Freeze: %s deferred to the move to Active", hc.What)
	default:
		d.applyHostChange(fx)
	}
	d.serveHostQueues(hc.Queues, fx)
}

// applyHostChange makes the backend's pending change visible: the new
// configuration, a bumped config_generation and a configuration-change
// interrupt (held while quiesced).
func (d *Core) applyHostChange(fx *Effects) {
	change := d.st.backend().ApplyHostChange() // applied whether or not the device notes it
	fx.note("%s", change)
	d.st.ConfigGeneration++
	d.configInterrupt(fx)
}

// serveHostQueues serves each queue in qs as if the driver had kicked it:
// the requests waiting on it (ErrNotReady) are executed again and a fetch
// looks for more. Quiesced, nothing is asked: the move to Active asks for
// every queue's pending work.
func (d *Core) serveHostQueues(qs []uint16, fx *Effects) {
	if d.quiesced() {
		return
	}
	for _, qi := range qs {
		if !d.queueLive(qi) {
			fx.note("q%d: host-side work, queue not live", qi)
			continue
		}
		fx.Steps = append(fx.Steps, d.pendingSteps(qi, true)...)
	}
}
