package conformance

import (
	"fmt"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/exercised"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/scenario"
)

// checkGaveUp is the check of a failure read from the guest's log of a
// row's run without migration with the device: the guest gave up on a
// command.
const checkGaveUp = "run without migration"

// judgeWithoutMigration judges what the guest's log of a passing row's run
// without migration with the device under test shows (package exercised):
// which of the row's requirements the run did not exercise, and, for a row
// expected to pass, the commands the guest gave up on (its FAIL lines) but
// those needing a feature the run did not negotiate. The transparency
// oracle compares that log with the migrated run's, so a command the
// device fails in both runs passes it; the guest's log shows the failure
// all the same, and the row's requirements that the run exercised fail
// with it.
func (k *kit) judgeWithoutMigration(u *Unit, r row, f member.Factory) {
	t, err := catalog.NewTarget(r.s, r.e.Edition, r.e.Knobs, nil)
	if err != nil {
		return // judgeRow built the same target: it cannot fail here
	}
	t.Settings = r.e.Settings
	setFactory(&t, k.dev, f)
	if r.e.Verdict != scenario.VerdictPass {
		u.NotExercised = exercised.Reasons(t, u.Requirements)
		return
	}
	run := exercised.RunWithout(t)
	u.NotExercised = run.Reasons(u.Requirements)
	gave := run.GaveUp()
	if len(gave) == 0 {
		return
	}
	var ids []string
	for _, id := range u.Requirements {
		if _, ok := u.NotExercised[id]; !ok {
			ids = append(ids, id)
		}
	}
	msg := fmt.Sprintf("the guest gave up on %s without migration: %s", gave[0].Command, gave[0].Line)
	if len(gave) > 1 {
		msg += fmt.Sprintf(" (and %d more FAIL lines)", len(gave)-1)
	}
	u.fail(Failure{Requirements: ids, Check: checkGaveUp, Row: u.Name, Message: msg})
}
