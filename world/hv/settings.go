package hv

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/scenario"
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
	DefaultImpl = defaultImpl
)

// ImplNames lists the implementations `set src-impl=NAME` and
// `set dst-caps=NAME` choose from, sorted.
func ImplNames() []string {
	names := make([]string, len(compatImpls))
	for i, c := range compatImpls {
		names[i] = c.name
	}
	return names
}

// CheckSrcParam checks `src-param-NAME=VALUE` against implementation impl:
// it has the parameter, and value reads as the parameter's type.
func CheckSrcParam(impl, name, value string) error {
	c, err := lookupImpl(impl)
	if err != nil {
		return err
	}
	p, ok := c.param(name)
	if !ok {
		var names []string
		for _, q := range c.params {
			names = append(names, q.Name)
		}
		msg := fmt.Sprintf("implementation %s has no parameter %q (has %s)", c.name, name, strings.Join(names, ", "))
		if s := scenario.Suggest(name, names); s != "" {
			msg += "; did you mean " + settingSrcParam + s + "?"
		}
		return fmt.Errorf("%s", msg)
	}
	_, err = parseParamValue(p, value)
	return err
}
