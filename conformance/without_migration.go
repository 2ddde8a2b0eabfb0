package conformance

import (
	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/exercised"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
)

// checkGaveUp is the check of a failure read from the guest's log of a
// row's run without migration with the device: the guest gave up on a
// command.
const checkGaveUp = "run without migration"

// judgeWithoutMigration judges what the guest's log of a passing row's run
// without migration with the device under test shows (package exercised):
// which of the row's requirements the run did not exercise, and, for a row
// expected to pass, what went wrong for the guest (the commands it gave
// up on, the requests the device failed, the waits that ended with
// requests outstanding) but what needs a feature the run did not
// negotiate, judged by the gave-up oracle's own function
// (oracle.DeviceTrouble). The transparency oracle compares that log with
// the migrated run's, so a command the device fails in both runs passes
// it; the gave-up oracle fails the row then, in the catalog's judgement,
// and this check is the same judgement of the run without migration
// itself, in case no migrated run of the row reached the end the
// oracle judges; the failure names the requirements of the row that the
// run exercised and what went wrong touches (troubleReqs).
func (k *kit) judgeWithoutMigration(u *Unit, r row, f member.Factory) {
	t, ok := k.withoutTarget(r, f)
	if !ok {
		return
	}
	if r.e.Verdict != scenario.VerdictPass {
		u.NotExercised = exercised.Reasons(t, u.Requirements)
		return
	}
	run := k.refs.without(t, 0)
	u.NotExercised = run.Reasons(u.Requirements)
	gave := run.WentWrong()
	if len(gave) == 0 {
		return
	}
	msg := wentWrong(gave)
	u.fail(Failure{Requirements: troubleReqs(exercisedOf(u.Requirements, u.NotExercised), gave), Check: checkGaveUp, Row: u.Name, Message: msg})
}

// exercisedOf returns the IDs of ids that notExercised does not list.
func exercisedOf(ids []string, notExercised map[string]string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := notExercised[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// gaveUpWithout returns the requirements a finding of oracle gave-up in a
// row's migrated run from seed touches when the guest's log of the row's
// run without migration from that seed with the device (the run the
// oracle compared with) went wrong too (troubleReqs of what went wrong
// there, among the requirements that run exercised); false for another
// oracle, or when that run went right, so that the migration is what the
// guest gave up on. The shrinking of the counterexample reads the same
// run (refRuns).
func (k *kit) gaveUpWithout(u *Unit, r row, f member.Factory, oracleName string, seed uint64) ([]string, bool) {
	if oracleName != oracle.GaveUp.Info().Name {
		return nil, false
	}
	t, ok := k.withoutTarget(r, f)
	if !ok {
		return nil, false
	}
	run := k.refs.without(t, seed)
	wrong := run.WentWrong()
	if len(wrong) == 0 {
		return nil, false
	}
	return troubleReqs(exercisedOf(u.Requirements, run.Reasons(u.Requirements)), wrong), true
}

// withoutTarget is the row's target with the device under test's
// members, for its run without migration; false when it cannot be built
// (judgeRow built the same target and reported why).
func (k *kit) withoutTarget(r row, f member.Factory) (catalog.Target, bool) {
	t, err := catalog.NewTarget(r.s, r.e.Edition, r.e.Knobs, nil)
	if err != nil {
		return catalog.Target{}, false
	}
	t.Settings = r.e.Settings
	setFactory(&t, k.dev, f)
	return t, true
}

// explainTransparent adds to a transparency failure fl what the guest's
// log of the row's run without migration from seed (the run the oracle
// compared with) with the device under test shows, when that run went
// wrong on its own (a wait that ended with requests outstanding, a
// command the guest gave up on: package exercised): the transparency
// oracle then compares the migrated run with a run the device already
// broke, and "the guest can tell it moved" would point at the migration
// when the device fails without one.
func (k *kit) explainTransparent(fl *Failure, r row, f member.Factory, seed uint64) {
	t, ok := k.withoutTarget(r, f)
	if !ok {
		return
	}
	wrong := k.refs.without(t, seed).WentWrong()
	if len(wrong) == 0 {
		return
	}
	fl.Message += "; the device fails this row without any migration: " + oracle.TroubleText(wrong)
}

// wentWrong says what the guest's log of a run without migration shows
// went wrong (exercised.Run.WentWrong), worded as the gave-up oracle
// words it (oracle.TroubleText): its first such line and how many more
// there are.
func wentWrong(ts []guest.Trouble) string {
	return "without migration, " + oracle.TroubleText(ts)
}
