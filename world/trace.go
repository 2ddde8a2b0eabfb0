package world

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
	"github.com/migsim/migsim/world/tracerec"
)

// The recorded trace (WorldConfig.Record): package world/tracerec builds
// its events from what the world tells it here, when the run is recorded.

// Events returns the recorded trace (WorldConfig.Record).
func (w *World) Events() []record.TraceEvent { return w.rec.Events }

// traceHost is h as the trace names it.
func traceHost(h *host) tracerec.Host {
	return tracerec.Host{Idx: h.idx, Name: h.name, PF: h.pf, Cfg: h.pfCfg}
}

// recordBefore returns the status of every member an event to function t
// of host h may change, when the trace is recorded; nil otherwise.
func (w *World) recordBefore(h *host, t owner.Target) []tracerec.MemberBefore {
	if !w.cfg.Record {
		return nil
	}
	th := traceHost(h)
	return tracerec.Before(&th, t)
}

// recordDelivery records one event delivered to function t of host h and
// what it caused (tracerec.Recorder.Delivery), when the trace is recorded.
func (w *World) recordDelivery(h *host, t owner.Target, ev *member.Event, who string, before []tracerec.MemberBefore, fx *owner.Effects) {
	if !w.cfg.Record {
		return
	}
	th := traceHost(h)
	w.rec.Delivery(&th, t, ev, who, before, fx, w.dma)
}

// traceWorld is the world as its trace recorder reads it (tracerec.World).
type traceWorld struct{ w *World }

func (s traceWorld) At() (int, engine.VTime, spec.Edition) { return s.w.stepNo, s.w.now, s.w.ed }

// OwnerDriver is the name of the actor that drives the PFs: the
// hypervisor.
func (s traceWorld) OwnerDriver() string {
	if s.w.hv != nil {
		return s.w.hvActor.name
	}
	return "hv"
}

func (s traceWorld) Guest(h, vf int) string {
	if s.w.vm == nil || s.w.vm.idx != h {
		return ""
	}
	for _, g := range s.w.guests {
		if g.vf == vf {
			return g.name
		}
	}
	return ""
}
