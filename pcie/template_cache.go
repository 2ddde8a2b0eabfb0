package pcie

import "sync"

// templates caches VF templates by their options (RID cleared): a layout
// is immutable once built, so every VF built with the same options, of any
// PF and any world, shares one.
var templates struct {
	sync.Mutex
	m map[VFOptions]*VFTemplate
}

// SharedVFTemplate returns the VF template for o, built on the first call
// with these options and shared by every later one (o.RID is ignored). A
// device model that builds its own VF configuration space calls it instead
// of NewVFConfig, so that N VFs hold one layout, not N. Options that cannot
// be built are an error wrapping ErrBadOptions, as for NewVFTemplate.
func SharedVFTemplate(o VFOptions) (*VFTemplate, error) {
	o.RID = 0
	templates.Lock()
	defer templates.Unlock()
	if t, ok := templates.m[o]; ok {
		return t, nil
	}
	t, err := NewVFTemplate(o)
	if err != nil {
		return nil, err
	}
	if templates.m == nil {
		templates.m = map[VFOptions]*VFTemplate{}
	}
	templates.m[o] = t
	return t, nil
}
