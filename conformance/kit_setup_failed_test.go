package conformance_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// refusesStop is a planted bug around the reference virtio-blk: every
// virtio-1.4 DEV_MODE_SET that stops it fails with EINVAL.
type refusesStop struct{ member.Device }

func (d refusesStop) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.OpDevModeSet) && len(ev.Admin.Data) > 0 && ev.Admin.Data[0] != 0 {
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusEINVAL, Qualifier: spec.QInvalidField}}}
	}
	return d.Device.Handle(ev)
}

// TestSetUpFailureIsNotARequirementFailure: a device that cannot be
// stopped fails DP-DEV-13, whose requirement is the stop, and the set-up
// of every other device test that needs a stopped device: those units get
// the verdict "set-up failed", their failures the check "test set-up" and
// the step, no requirement; the requirements only they judge are not
// reached (counted in judged.not_reached), not failed; the run fails all
// the same (Failed: migsim conform exits 1). The text summary counts the
// units apart, and their failures among those that charge no requirement
// (listed at the requirement table's end), JSON has the verdict and step,
// JUnit an <error>.
func TestSetUpFailureIsNotARequirementFailure(t *testing.T) {
	t.Run("refuses-stop", func(t *testing.T) {
		checkSetUpFailed(t, func(c member.Config) member.Device { return refusesStop{blk.New(c)} },
			"DEV_MODE_SET stopped: EINVAL/INVALID_FIELD, want OK")
	})
	// A Go device that panics in the step has failed it as one that
	// refuses it: the test's set-up, the panic in the message.
	t.Run("panics-on-stop", func(t *testing.T) {
		checkSetUpFailed(t, func(c member.Config) member.Device { return panicsOnStop{blk.New(c)} },
			"the device panicked: stop: no queue table")
	})
}

// panicsOnStop is a planted bug around the reference virtio-blk: every
// virtio-1.4 DEV_MODE_SET that stops it panics.
type panicsOnStop struct{ member.Device }

func (d panicsOnStop) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.OpDevModeSet) && len(ev.Admin.Data) > 0 && ev.Admin.Data[0] != 0 {
		panic("stop: no queue table")
	}
	return d.Device.Handle(ev)
}

// checkSetUpFailed runs the virtio-1.4 device tests on the device f
// builds, which fails every stop; why ends the message of each failure
// the stop caused.
func checkSetUpFailed(t *testing.T, f member.Factory, why string) {
	d := conformance.FactoryDevice("fails-stop", f)
	rep, err := conformance.Check(d, conformance.Parts(true, false), conformance.Editions(spec.Virtio14))
	require.NoError(t, err)
	require.True(t, rep.Failed(), "a device whose tests cannot be set up is not conformant")

	u, ok := rep.Unit("PCI-DEV-02/virtio-1.4/halves-across-stop")
	require.True(t, ok)
	assert.Equal(t, "set-up failed", u.Verdict)
	require.Len(t, u.Failures, 1)
	fl := u.Failures[0]
	assert.Equal(t, "test set-up", fl.Check)
	assert.Equal(t, "DEV_MODE_SET stopped", fl.Step)
	assert.Empty(t, fl.Requirements)
	assert.Equal(t, "the test could not be set up: DEV_MODE_SET stopped failed before anything was judged, so PCI-DEV-02 was not reached: "+why, fl.Message)

	own, ok := rep.Unit("DP-DEV-13/virtio-1.4/repeat-stop-and-resume")
	require.True(t, ok)
	assert.Equal(t, "fail", own.Verdict, "the stop is what DP-DEV-13 judges")
	assert.Equal(t, []string{"DP-DEV-13"}, own.Failures[0].Requirements)
	assert.Contains(t, own.Failures[0].Message, why)

	failed := rep.FailedRequirements()
	assert.Contains(t, failed, "DP-DEV-13")
	assert.NotContains(t, failed, "DP-DEV-11", "no-dma-no-interrupt-stopped never reached its check")
	setUp := 0
	for _, u := range rep.Units {
		if u.Verdict == "set-up failed" {
			setUp++
		}
	}
	require.Positive(t, setUp)
	for _, q := range rep.Requirements {
		if q.ID == "DP-DEV-11" {
			assert.Equal(t, "skip", q.Verdict)
			// Every unit that exercises it was not reached (the table's
			// stopped cells too), no-dma-no-interrupt-stopped among them.
			assert.True(t, strings.HasPrefix(q.Why, "not reached: "), q.Why)
			assert.Contains(t, q.Why, "not reached: DP-DEV-11/virtio-1.4/no-dma-no-interrupt-stopped could not be set up (DEV_MODE_SET stopped failed)")
		}
	}
	assert.Positive(t, rep.Judged.NotReached)

	var text, js, ju bytes.Buffer
	require.NoError(t, rep.Write("text", &text))
	require.NoError(t, rep.Write("json", &js))
	require.NoError(t, rep.Write("junit", &ju))
	first, second, _ := strings.Cut(text.String(), "\n")
	// Their failures charge no requirement: counted, and listed apart
	// with the step (uncharged.go).
	assert.Regexp(t, `units: \d+ pass, \d+ fail, \d+ skip, \d+ set-up failed; \d+ failures of \d+ units charge no requirement of the catalog$`, first)
	uncharged := 0
	for _, f := range rep.Uncharged {
		if f.Check == "test set-up" {
			uncharged++
			assert.NotEmpty(t, f.Step, f.Row)
			assert.Equal(t, "the test could not be set up ("+f.Step+" failed): its requirement was not reached", f.Uncharged, f.Row)
		}
	}
	assert.GreaterOrEqual(t, uncharged, setUp, "every set-up failure charges none")
	assert.Contains(t, text.String(), "\n  "+u.Name+": the test could not be set up (DEV_MODE_SET stopped failed): its requirement was not reached\n")
	assert.Regexp(t, `\d+ not reached by device tests whose set-up failed`, second)
	var doc struct {
		Units []struct {
			Name     string `json:"name"`
			Verdict  string `json:"verdict"`
			Failures []struct {
				Check string `json:"check"`
				Step  string `json:"step"`
			} `json:"failures"`
		} `json:"units"`
		Judged map[string]int `json:"judged"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	for _, x := range doc.Units {
		if x.Name == u.Name {
			assert.Equal(t, "set-up failed", x.Verdict)
			assert.Equal(t, "test set-up", x.Failures[0].Check)
			assert.Equal(t, "DEV_MODE_SET stopped", x.Failures[0].Step)
		}
	}
	assert.Equal(t, rep.Judged.NotReached, doc.Judged["not_reached"])
	assert.Contains(t, ju.String(), `<error message="PCI-DEV-02/virtio-1.4/halves-across-stop: the test could not be set up: DEV_MODE_SET stopped failed`)
	assert.Contains(t, ju.String(), `type="test set-up"`)
}
