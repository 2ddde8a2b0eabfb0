package conformance_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// cancelAtAdmin is a device that ends the kit's context when the owner
// forwards it its first admin command: inside the row's first migration
// run, after the run without migration (which sends none). The run it is
// in still ends and is judged; the explorations stop after it.
type cancelAtAdmin struct {
	member.Device
	cancel func()
}

func (d cancelAtAdmin) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin {
		d.cancel()
	}
	return d.Device.Handle(ev)
}

// TestInterruptedRowWithCertainMismatch: a row a signal cuts short after a
// run already found what the row does not expect is a MISMATCH
// (catalog.Outcome.Status), and the kit fails it with that finding, its
// oracle and requirements, instead of skipping it as interrupted; the
// reference, cut short in the same place, has found nothing and is
// skipped as interrupted.
func TestInterruptedRowWithCertainMismatch(t *testing.T) {
	lies, ok := mutants.Lookup("mode-get-lies")
	require.True(t, ok)
	for _, tc := range []struct {
		name    string
		factory member.Factory
		failed  bool
	}{
		{"mutant", lies.Factory(blk.New), true},
		{"reference", blk.New, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var once sync.Once
			stop := func() { once.Do(cancel) }
			d := conformance.FactoryDevice("cancel-at-admin/"+tc.name, func(c member.Config) member.Device {
				return cancelAtAdmin{Device: tc.factory(c), cancel: stop}
			})
			rep, err := conformance.Check(d, conformance.Short(), conformance.Scenarios("smoke-migrate"),
				conformance.Editions(spec.Draft2023), conformance.Parts(false, true),
				conformance.ReplayDir(t.TempDir()), conformance.Context(ctx))
			require.NoError(t, err)
			require.NotEmpty(t, rep.Interrupted, "the signal came during the row")
			var row *conformance.Unit
			for i := range rep.Units {
				if rep.Units[i].Name == "smoke-migrate/draft-2023" {
					row = rep.Units[i]
				}
			}
			require.NotNil(t, row, "the row's unit")
			assert.Equal(t, tc.failed, rep.Failed())
			if !tc.failed {
				assert.Equal(t, "skip", row.Verdict)
				assert.Equal(t, "interrupted", row.Reason)
				return
			}
			require.Equal(t, "fail", row.Verdict, "a certain mismatch is not skipped: %s", row.Reason)
			require.Len(t, row.Failures, 1)
			fl := row.Failures[0]
			assert.Equal(t, "readback", fl.Oracle)
			assert.Equal(t, "catalog row", fl.Check)
			assert.NotEmpty(t, fl.Requirements, "the finding's requirements")
			assert.Contains(t, fl.Message, "not shrunk: the kit was interrupted")
			assert.FileExists(t, fl.Schedule, "the run as found is written")
			assert.Contains(t, row.Explored, "interrupted")
		})
	}
}
