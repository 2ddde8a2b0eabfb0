package hv

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/hv/devimpl"
)

// Settings the hypervisor reads: the implementations the hosts run and the
// source's parameter values (docs/scenarios.md).
const (
	SettingSrcImpl  = settingSrcImpl
	SettingDstCaps  = settingDstCaps
	SettingCapsTail = settingCapsTail
	SettingSrcParam = settingSrcParam
	// DefaultImpl is the implementation a host runs when no setting names
	// one.
	DefaultImpl = devimpl.Default
	// NetImplDefault is what every host of a virtio-net world runs unless
	// src-impl or dst-caps names another.
	NetImplDefault = devimpl.NetDefault
)

// ImplNames lists the implementations `set src-impl=NAME` and
// `set dst-caps=NAME` choose from, sorted.
func ImplNames() []string { return devimpl.Names() }

// CheckSrcParam checks `src-param-NAME=VALUE` against implementation impl:
// it has the parameter, and value reads as the parameter's type.
func CheckSrcParam(impl, name, value string) error {
	c, err := devimpl.Lookup(impl)
	if err != nil {
		return err
	}
	p, ok := c.Param(name)
	if !ok {
		var names []string
		for _, q := range c.Params {
			names = append(names, q.Name)
		}
		msg := fmt.Sprintf("implementation %s has no parameter %q (has %s)", c.Name, name, strings.Join(names, ", "))
		if s := scenario.Suggest(name, names); s != "" {
			msg += "; did you mean " + settingSrcParam + s + "?"
		}
		return fmt.Errorf("%s", msg)
	}
	_, err = devimpl.ParseParamValue(p, value)
	return err
}
