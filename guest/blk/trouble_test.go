package blk

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/spec"
)

// TestDriver_Trouble: the lines that tell of trouble are recorded as data
// beside the log's text, in the log's order, with the features their
// command needs; completions an interrupt held back (done) bring their
// troubles along when they are flushed.
func TestDriver_Trouble(t *testing.T) {
	flush := spec.Features(spec.FeatureBlkFlush.Mask())
	wce := spec.Features(spec.FeatureBlkConfigWCE.Mask())
	for _, tc := range []struct {
		name string
		do   func(d *Driver)
		log  []string
		want []guest.Trouble
	}{
		{"a plain line", func(d *Driver) { d.logf("flush: status=0") }, []string{"flush: status=0"}, nil},
		{"gave up", func(d *Driver) { d.fail("probe: config vector not accepted") },
			[]string{"FAIL probe: config vector not accepted"},
			[]guest.Trouble{{Kind: guest.GaveUp, Line: "FAIL probe: config vector not accepted", Command: "probe", Negotiated: flush}}},
		{"write cache, a probe left CONFIG_WCE out", func(d *Driver) {
			d.queues = []*guestQueue{{}} // the probe set queue 0 up
			d.SetWCE(true, true)
		}, []string{"FAIL wce: CONFIG_WCE not negotiated"},
			[]guest.Trouble{{Kind: guest.GaveUp, Line: "FAIL wce: CONFIG_WCE not negotiated", Command: "wce", Needs: wce, Negotiated: flush}}},
		{"write cache before any probe: the program's doing", func(d *Driver) {
			d.features = 0
			d.SetWCE(true, true)
		}, []string{"FAIL wce: CONFIG_WCE not negotiated"},
			[]guest.Trouble{{Kind: guest.GaveUp, Line: "FAIL wce: CONFIG_WCE not negotiated", Command: "wce", Needs: wce, Unprepared: true}}},
		{"a failed flush", func(d *Driver) {
			d.failed(guest.FailedStatus, flush, "flush sector=0: status 1")
		}, []string{"FAIL flush sector=0: status 1"},
			[]guest.Trouble{{Kind: guest.FailedStatus, Line: "FAIL flush sector=0: status 1", Command: "flush sector=0", Needs: flush, Negotiated: flush}}},
		{"held back by an interrupt, flushed in queue order", func(d *Driver) {
			d.logf("probe: DRIVER_OK capacity=8")
			d.done = [][]string{nil, {"flush: status=1", "FAIL flush sector=0: status 1"}}
			d.doneTrouble = [][]guest.Trouble{nil, {{Kind: guest.FailedStatus, Line: "FAIL flush sector=0: status 1"}}}
			d.fail("read sector=0 count=1: data differs from what the guest wrote")
			d.Flush()
		}, []string{"probe: DRIVER_OK capacity=8", "FAIL read sector=0 count=1: data differs from what the guest wrote",
			"flush: status=1", "FAIL flush sector=0: status 1"},
			[]guest.Trouble{
				{Kind: guest.GaveUp, Line: "FAIL read sector=0 count=1: data differs from what the guest wrote",
					Command: "read sector=0 count=1", Negotiated: flush},
				{Kind: guest.FailedStatus, Line: "FAIL flush sector=0: status 1"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New(nil, 1)
			d.features = flush
			tc.do(d)
			assert.Equal(t, tc.log, d.Log())
			assert.Equal(t, tc.want, d.Trouble())
			for _, tr := range d.Trouble() {
				assert.Contains(t, d.Log(), tr.Line, "a trouble is a line of the log")
			}
		})
	}
}

// TestDriver_StateHashTrouble: the troubles held back by an interrupt are
// state, but an empty queue of them is not.
func TestDriver_StateHashTrouble(t *testing.T) {
	a, b, c := New(nil, 2), New(nil, 2), New(nil, 2)
	b.doneTrouble = [][]guest.Trouble{nil, {}}
	assert.Equal(t, a.StateHash(), b.StateHash())
	c.doneTrouble = [][]guest.Trouble{nil, {{Kind: guest.FailedStatus, Line: "FAIL flush sector=0: status 1"}}}
	assert.NotEqual(t, a.StateHash(), c.StateHash())
}
