package devicetest

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest/statediff"
	"github.com/migsim/migsim/spec"
)

// changedMessage says what a table cell observed of the state read back
// against what it wants: the event sent and, for a change that should not
// have come, the parts (virtio-1.4) or context fields (draft-2023) that
// changed; for a change that did not come, where it must show.
func changedMessage(ed spec.Edition, ev tableEvent, w cellWant, before, after []byte) string {
	what := ev.what
	if what == "" {
		what = ev.name
	}
	if !w.changed {
		return fmt.Sprintf("after %s, the state read back changed (%s), want it unchanged", what, strings.Join(statediff.Names(ed, before, after), ", "))
	}
	msg := fmt.Sprintf("after %s, the state read back did not change, want it changed", what)
	if w.where != "" {
		msg += " in the " + w.where
	}
	return msg
}
