package extdevice

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/member"
)

// completions checks the admin completions of an effects reply against the
// commands the device was sent (docs/device-protocol.md, "event": an
// admin command is answered with a completion of the same tag, now or in
// a later reply). The event's own command, when it is one, awaits its
// completion from this reply on; each completion must name a command
// that awaits one, and ends its wait. A completion of another tag — one
// never sent, or one completed already — is a protocol error naming the
// field: the owner would drop it, and the command it was meant for would
// never complete, which a row would otherwise report as a finding of the
// requirements the stalled migration exercises.
func (d *device) completions(x *exchange, ev member.Event, cs []member.AdminCompletion) {
	if x.err != nil {
		return
	}
	if ev.Kind == member.EvAdmin {
		d.awaiting = append(d.awaiting, ev.Admin.Tag)
	}
	for i, c := range cs {
		j := slices.Index(d.awaiting, c.Tag)
		if j < 0 {
			x.err = x.p.fail(x.desc(), fmt.Sprintf("effects: completions[%d].tag: %d is no admin command the device was sent and has not completed (%s)",
				i, c.Tag, awaitingWords(d.awaiting)))
			return
		}
		d.awaiting = slices.Delete(d.awaiting, j, j+1)
	}
}

// awaitingWords says which tags await a completion.
func awaitingWords(tags []uint64) string {
	switch len(tags) {
	case 0:
		return "none awaits one"
	case 1:
		return fmt.Sprintf("tag %d awaits one", tags[0])
	}
	return fmt.Sprintf("tags %v await one", tags)
}
