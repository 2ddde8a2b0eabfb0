package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// TestEarlyReplySaysItCameEarly: a device that answers DEV_MODE_SET during
// a reset or an FLR (the reference under reset-vs-mode or flr-vs-mode
// complete-anyway) fails the held-reply tests for answering too early, and
// is not also told that the reply never came; the reference under
// hold-reply passes them.
func TestEarlyReplySaysItCameEarly(t *testing.T) {
	for _, tc := range []struct {
		name  string
		test  string
		rules func(*spec.Rules)
		says  []string
	}{
		{name: "reset held", test: "reply-held-during-reset-and-pm", rules: func(*spec.Rules) {}},
		{name: "reset answered at once", test: "reply-held-during-reset-and-pm",
			rules: func(r *spec.Rules) { r.ResetVsMode = spec.ResetCompleteAnyway },
			says:  []string{"DEV_MODE_SET answered during a virtio reset in progress"}},
		{name: "flr held", test: "reply-held-during-flr", rules: func(*spec.Rules) {}},
		{name: "flr answered at once", test: "reply-held-during-flr",
			rules: func(r *spec.Rules) { r.FLRVsMode = spec.FLRCompleteAnyway },
			says:  []string{"DEV_MODE_SET stopped answered during the FLR, want the reply held until it is over"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dt := testNamed(t, "DP-DEV-12", tc.test)
			rules := spec.DefaultRules(spec.Virtio14)
			tc.rules(&rules)
			c := runCheck(dt, spec.Virtio14, rules, blk.New, extdevice.TypeBlk)
			var msgs []string
			for _, f := range c.Fails {
				msgs = append(msgs, f.Message)
			}
			all := strings.Join(msgs, "\n")
			for _, s := range tc.says {
				assert.Contains(t, all, s)
			}
			if len(tc.says) == 0 {
				assert.Empty(t, msgs)
			}
			assert.NotContains(t, all, "never answered", "a reply that came early did come")
		})
	}
}
