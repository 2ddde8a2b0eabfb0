package devicetest

import (
	"bytes"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/devicetest/statediff"
)

// expectSameState records a failure when two states read back from a
// device (g.State(): DEV_PARTS_GET(ALL)'s parts, or a draft-2023 context)
// differ: the first byte that differs and, after it, the parts or context
// fields that differ, so that a device implementer is told which register
// or field the device got wrong rather than a byte offset alone.
func expectSameState(c *harness.Check, got, want []byte, what string) {
	if bytes.Equal(got, want) {
		c.Asserted++
		return
	}
	c.Errorf("", "%s; differs in: %s", harness.SameMessage(what, got, want), strings.Join(statediff.Names(c.Ed, want, got), ", "))
}
