package oracle

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestChangedAttrs: a frozen-context finding names what changed in a
// field, not only the field's type, so a spec author sees which register
// moved (a guest's config_msix_vector write in Freeze, say): at most three
// attributes, the rest counted.
func TestChangedAttrs(t *testing.T) {
	img := func(set map[spec.CommonCfgField]uint32) devctx.Field {
		var c devctx.CommonCfgImage
		for f, v := range set {
			c.Set(f, v)
		}
		return c.Field()
	}
	base := img(nil)
	cases := []struct {
		name string
		b    devctx.Field
		want string
	}{
		{"one register", img(map[spec.CommonCfgField]uint32{spec.CfgConfigMSIXVector: 0xffff}), " with config_msix_vector 0x0 → 0xffff"},
		{"four registers", img(map[spec.CommonCfgField]uint32{spec.CfgConfigMSIXVector: 1, spec.CfgQueueSelect: 2, spec.CfgQueueSize: 32, spec.CfgQueueEnable: 1}),
			" with config_msix_vector 0x0 → 0x1, queue_select 0x0 → 0x2, queue_size 0x0 → 0x20, 1 more"},
		{"the same", base, ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, changedAttrs(base, c.b), c.name)
	}
	// Through changedFields, as the oracle's message reads it.
	a := devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{base}})
	b := devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{cases[0].b}})
	assert.Equal(t, []string{"PCI_COMMON_CFG with config_msix_vector 0x0 → 0xffff"}, changedFields(a, b, false))
}

// TestChangedFieldsManyNamesOnly: when several fields moved (an FLR in
// Freeze resets them all) the message names their types only.
func TestChangedFieldsManyNamesOnly(t *testing.T) {
	var c devctx.CommonCfgImage
	c.Set(spec.CfgConfigMSIXVector, 1)
	a := devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{new(devctx.CommonCfgImage).Field(), {Type: spec.FieldDeviceStatus, Value: []byte{0}}}})
	b := devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{c.Field(), {Type: spec.FieldDeviceStatus, Value: []byte{0xf}}}})
	assert.Equal(t, []string{"PCI_COMMON_CFG", "DEVICE_STATUS"}, changedFields(a, b, false))
}
