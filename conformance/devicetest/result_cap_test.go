package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// overlongResult is a planted bug around the reference blk: every admin
// result it returns is result_cap+1 bytes long.
type overlongResult struct{ member.Device }

func (d overlongResult) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvAdmin {
		for i := range fx.Completions {
			if c := &fx.Completions[i]; c.Tag == ev.Admin.Tag && c.Status == spec.StatusOK {
				c.Result = append(c.Result, make([]byte, ev.Admin.ResultCap+1-len(c.Result))...)
			}
		}
	}
	return fx
}

// TestResultLongerThanCapFailsTheTest: a result longer than result_cap
// fails a device test under the requirement it tests, with the sizes
// (docs/device-protocol.md, "Deadlines and errors"); the reference passes.
func TestResultLongerThanCapFailsTheTest(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    member.Factory
		says string
	}{
		{"reference", blk.New, ""},
		{"overlong", func(c member.Config) member.Device { return overlongResult{blk.New(c)} },
			"DEV_PARTS_GET (opcode 0xf): 65537 result bytes in a buffer of 65536"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dt := testNamed(t, "DP-DEV-02", "repeated-get-and-set")
			c := runCheck(dt, spec.Virtio14, spec.DefaultRules(spec.Virtio14), tc.f, extdevice.TypeBlk)
			if tc.says == "" {
				assert.Empty(t, c.Fails)
				return
			}
			var msgs []string
			for _, f := range c.Fails {
				msgs = append(msgs, f.Message)
				assert.Equal(t, []string{"DP-DEV-02"}, f.Requirements, f.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.says)
		})
	}
}
