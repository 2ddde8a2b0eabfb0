package harness

import (
	"slices"
	"strings"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// fullRead checks the fields of a draft-2023 read that follows a
// DEV_CTX_DISCARD and returns them. DEV_CTX_DISCARD drops the incremental
// baseline (DRAFT-CTX-03), so that read returns the full context: every
// field type the first such read of this rig's device returned comes back,
// whatever changed since. A device that kept its baseline returns only the
// changed fields, and every test that reads its state would otherwise
// charge its own requirement with the fields "gone": the read is charged
// to DRAFT-CTX-03 here instead, naming the fields missing, and the test
// ends.
func (g *Rig) fullRead(fields []devctx.Field) []devctx.Field {
	types := make([]spec.FieldType, 0, len(fields))
	for _, f := range fields {
		types = append(types, f.Type)
	}
	if g.fullTypes == nil {
		g.fullTypes = types
		return fields
	}
	var missing []string
	for _, t := range g.fullTypes {
		if !slices.Contains(types, t) {
			missing = append(missing, t.String())
		}
	}
	if len(missing) > 0 {
		g.Check.Errorf("DRAFT-CTX-03", "the read after DEV_CTX_DISCARD returns %d fields, without %s that the device's first read after a DEV_CTX_DISCARD returned: "+
			"DEV_CTX_DISCARD must drop the incremental baseline, so that the next read returns the full context", len(fields), strings.Join(missing, ", "))
		panic(stopCheck{})
	}
	return fields
}
