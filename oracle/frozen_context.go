package oracle

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// FrozenContext is the frozen-context oracle: in Freeze the device context
// does not change (DRAFT-FRZ-02), as the owner's reads show it.
var FrozenContext observe.ReceivedOracle = frozenContext{}

type frozenContext struct{}

var frozenContextInfo = observe.OracleInfo{
	Name: "frozen-context",
	Doc:  "in Freeze the device context does not change",
	Reqs: []string{"DRAFT-FRZ-02"},
	Observes: "the bytes of the owner's context reads of a member in Freeze (the mode the owner set): the image " +
		"after the first read of the Freeze and after every later one, fields merged by type, so a second " +
		"read must return nothing new under read=incremental-clear and the same bytes under read=full; the " +
		"hypervisor reads a frozen member again before it moves it out of Freeze and once the run has settled",
}

func (frozenContext) Info() observe.OracleInfo { return frozenContextInfo }

// CheckReceived compares a complete read taken in Freeze with the image of
// the Freeze's first read. A doorbell the member records under
// freeze-notify=latch is that knob's documented departure from
// DRAFT-FRZ-01 (the kick is kept in VQ_SPLIT_RUNTIME_CFG so the destination
// serves it): the latch flag and its index are not compared under it.
func (frozenContext) CheckReceived(p *observe.ReceivedPass) {
	r := p.Read
	if r == nil || r.First || !r.EpochFrozen || !r.Frozen || r.Err != nil {
		return
	}
	changed := changedFields(r.EpochImage, r.Image, p.Rules().FreezeNotify == spec.FreezeNotifyLatch)
	if len(changed) == 0 {
		return
	}
	name := p.Member.Name()
	p.Report([]string{p.Who, name}, "%s: device context changed in Freeze: a read after the first returned %s "+
		"(%s)", name, strings.Join(changed, ", "), p.OpName())
}

// changedFields names the field types whose values differ between two
// encoded draft contexts, a single one with the attributes that changed
// in it (changedAttrs); with latch, VQ_SPLIT_RUNTIME_CFG is compared
// without its notify-latched flag and latched index. Undecodable input
// counts as one change.
func changedFields(a, b []byte, latch bool) []string {
	if bytes.Equal(a, b) {
		return nil
	}
	ca, erra := devctx.DecodeDraftContext(a)
	cb, errb := devctx.DecodeDraftContext(b)
	if erra != nil || errb != nil {
		return []string{"an undecodable context"}
	}
	at := map[spec.FieldType][]byte{}
	for _, f := range ca.Fields {
		at[f.Type] = f.Value
	}
	var out []string
	var detail string
	for _, f := range cb.Fields {
		old, ok := at[f.Type]
		delete(at, f.Type)
		if ok && latch && f.Type == spec.FieldVQSplitRuntimeCfg {
			old, f.Value = unlatched(old), unlatched(f.Value)
		}
		if !ok || !bytes.Equal(old, f.Value) {
			out = append(out, f.Type.String())
			if ok {
				detail = changedAttrs(devctx.Field{Type: f.Type, Value: old}, f)
			}
		}
	}
	for _, f := range ca.Fields {
		if _, gone := at[f.Type]; gone {
			out = append(out, f.Type.String()+" (gone)")
		}
	}
	if len(out) == 1 {
		out[0] += detail // one field moved: say what in it (a reset that moves many names them only)
	}
	return out
}

// maxChangedAttrs bounds the attributes a changed field names.
const maxChangedAttrs = 3

// changedAttrs names what changed between two values of one field type,
// by their decoded attributes (devctx.Field.ValueAttrs): " with name old
// → new, …", at most maxChangedAttrs of them; "" when the attributes do
// not tell them apart.
func changedAttrs(a, b devctx.Field) string {
	old := map[string]string{}
	for _, x := range a.ValueAttrs() {
		old[x.Name] = x.Value
	}
	var diffs []string
	n := 0
	for _, x := range b.ValueAttrs() {
		was, ok := old[x.Name]
		if ok && was == x.Value {
			continue
		}
		if n++; n > maxChangedAttrs {
			continue
		}
		if !ok {
			was = "none"
		}
		diffs = append(diffs, x.Name+" "+was+" → "+x.Value)
	}
	if n > maxChangedAttrs {
		diffs = append(diffs, fmt.Sprintf("%d more", n-maxChangedAttrs))
	}
	if len(diffs) == 0 {
		return ""
	}
	return " with " + strings.Join(diffs, ", ")
}

// unlatched re-encodes a VQ_SPLIT_RUNTIME_CFG value without the
// notify-latched flags and latched indices.
func unlatched(v []byte) []byte {
	l, err := devctx.DecodeVQSplitRuntimeList(v)
	if err != nil {
		return v
	}
	for i := range l.Queues {
		l.Queues[i].Flags &^= devctx.RuntimeNotifyLatched
		l.Queues[i].LatchedAvailIdx = 0
	}
	return l.Encode()
}
