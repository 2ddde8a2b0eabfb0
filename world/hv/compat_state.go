package hv

import (
	"fmt"
	"sort"
	"strings"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/world/hv/devimpl"
)

// Settings that choose the hosts' implementations (docs/scenarios.md).
const (
	settingSrcImpl  = "src-impl"
	settingDstCaps  = "dst-caps"
	settingCapsTail = "-caps"
	settingSrcParam = "src-param-"
)

// hvCompat is the hypervisor's compatibility bookkeeping: which
// implementation every host runs, the state's identity on its way, and
// what the scenario asked to corrupt.
type hvCompat struct {
	// src is the source host's implementation and values its parameter
	// values from `src-param-NAME=VALUE`.
	src    devimpl.Impl
	values map[string]compat.Value
	// dst holds the implementation of destinations, by host name
	// (`dst2-caps`); a host not listed runs dstDefault (`dst-caps`, else
	// the source's implementation).
	dst        map[string]devimpl.Impl
	dstDefault devimpl.Impl
	// origin is the host each VF's state was last read from.
	origin map[int]Host
	// loaded is the identity a host took on by a successful load, by
	// host index: it runs with the source's parameters from then on.
	loaded map[int]compat.DeviceDescription
	// corrupt lists the byte offsets to flip in each VF's saved state the
	// next time it reaches a destination.
	corrupt map[int][]int
	// touched marks the hosts a migration operation addressed; received
	// the hosts a write or load of the VM's state succeeded on.
	touched, received [4]bool
	// queues is the scenario's num-queues.
	queues int
}

// newHVCompat reads the compatibility settings of w; a bad one is an error
// naming the setting.
func newHVCompat(w World) (*hvCompat, error) {
	c := &hvCompat{values: map[string]compat.Value{}, dst: map[string]devimpl.Impl{},
		origin: map[int]Host{}, queues: w.Scenario().Queues, loaded: map[int]compat.DeviceDescription{}, corrupt: map[int][]int{}}
	name, _ := w.Setting(settingSrcImpl)
	if name == "" {
		name = w.DefaultImplName()
	}
	var err error
	if c.src, err = devimpl.Lookup(name); err != nil {
		return nil, fmt.Errorf("world: compat: set %s: %w", settingSrcImpl, err)
	}
	c.dstDefault = c.src
	if v, ok := w.Setting(settingDstCaps); ok {
		if c.dstDefault, err = devimpl.Lookup(v); err != nil {
			return nil, fmt.Errorf("world: compat: set %s: %w", settingDstCaps, err)
		}
	}
	keys := map[string]string{}
	for _, a := range w.Settings() {
		keys[a.Key] = a.Value // the last one wins, as in World.setting
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		v := keys[k]
		switch {
		case strings.HasPrefix(k, settingSrcParam):
			p, ok := c.src.Param(strings.TrimPrefix(k, settingSrcParam))
			if !ok {
				return nil, fmt.Errorf("world: compat: set %s: implementation %s has no parameter %q (has %s)",
					k, c.src.Name, strings.TrimPrefix(k, settingSrcParam), paramNames(c.src))
			}
			val, err := devimpl.ParseParamValue(p, v)
			if err != nil {
				return nil, fmt.Errorf("world: compat: set %s: %w", k, err)
			}
			c.values[p.Name] = val
		case strings.HasSuffix(k, settingCapsTail) && k != settingDstCaps:
			host := strings.TrimSuffix(k, settingCapsTail)
			if host != "dst2" {
				return nil, fmt.Errorf("world: compat: set %s: no such host (want dst-caps or dst2-caps; the source uses %s)", k, settingSrcImpl)
			}
			impl, err := devimpl.Lookup(v)
			if err != nil {
				return nil, fmt.Errorf("world: compat: set %s: %w", k, err)
			}
			c.dst[host] = impl
		}
	}
	return c, nil
}

func paramNames(c devimpl.Impl) string {
	names := make([]string, len(c.Params))
	for i, p := range c.Params {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// implOf returns the implementation host h runs.
func (c *hvCompat) implOf(h Host) devimpl.Impl {
	if h.Index() == 0 {
		return c.src
	}
	if impl, ok := c.dst[h.Name()]; ok {
		return impl
	}
	return c.dstDefault
}

// identity is the description of h's VFs as a migration source: the
// source's implementation with the scenario's parameter values, or, for a
// host that loaded a state, its own implementation running the loaded
// parameters.
func (c *hvCompat) identity(h Host) compat.DeviceDescription {
	if d, ok := c.loaded[h.Index()]; ok {
		return d
	}
	if h.Index() == 0 {
		return c.src.Description(c.queues, c.values)
	}
	return c.implOf(h).Description(c.queues, nil)
}

// adopt records the identity h took on by loading plan: its own
// implementation, running the parameters the plan applied.
func (c *hvCompat) adopt(h Host, queues int, plan compat.LoadPlan) {
	impl := c.implOf(h)
	values := map[string]compat.Value{}
	for _, p := range plan.Params {
		values[p.Name] = p.Value
	}
	d := impl.Description(queues, values)
	d.DeviceFeatures = plan.Features
	c.loaded[h.Index()] = d
}
