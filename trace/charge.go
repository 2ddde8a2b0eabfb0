package trace

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/engine"
)

// Charge is what the conformance kit charges a failed row's finding
// (docs/conformance.md, "What a failed row charges"). A finding report of
// a counterexample the kit wrote (Report.Charge) lists its requirements
// as the kit charges them, the sets `migsim conform --replay` prints, in
// place of the catalog's view, which for a transparent finding may mark
// none broken.
type Charge struct {
	// Charged are the requirements the finding breaks: the ones the
	// kit's requirement table counts as Fail.
	Charged []string
	// Involved are the other requirements the run touched ("involved,
	// not charged"): never counted as failing.
	Involved []string
	// By says how a transparent finding's requirements were chosen
	// ("by the first difference: a configuration read"), or that those
	// of a finding no check attributes to a requirement stand in for the
	// one broken ("by the row's device requirements: …"); empty for any
	// other finding.
	By string
	// None says why the finding charges no requirement when Charged is
	// empty.
	None string
}

// Mark records c on the finding fd as the kit's counterexample file
// records it: Reqs the charged requirements then the involved ones,
// ReqsBroken the charged ones. A nil c leaves fd as it is.
func (c *Charge) Mark(fd *engine.Finding) {
	if c == nil || fd == nil {
		return
	}
	fd.Reqs, fd.ReqsBroken = slices.Concat(c.Charged, c.Involved), slices.Clone(c.Charged)
}

// writeCharge says, under the requirements table of a counterexample the
// kit wrote, that its marks are the kit's charge, how a transparent
// finding's were chosen, or why the finding charges none.
func writeCharge(b *strings.Builder, c *Charge) {
	b.WriteString("The conformance kit's charge, as `migsim conform --replay` prints it (docs/conformance.md, \"What a failed row charges\")")
	switch {
	case len(c.Charged) == 0 && c.None != "":
		fmt.Fprintf(b, ": it charges no requirement: %s", c.None)
		if c.By != "" {
			fmt.Fprintf(b, " (%s)", c.By)
		}
	case c.By != "":
		fmt.Fprintf(b, ", charged %s", c.By)
	}
	b.WriteString(". **charged**: the finding breaks it, and the kit's requirement table counts it as Fail. " +
		"involved, not charged: the finding's run exercised what it is about; no check judged it broken. " +
		"scenario: the scenario names it.\n\n")
}
