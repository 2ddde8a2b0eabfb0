package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCheckKnob: a knob on the command line (--knob) is key=value; a
// known knob given without its value names the values to choose from, and
// an unknown name or value names the known ones, with a near miss.
func TestCheckKnob(t *testing.T) {
	cases := []struct{ kv, want string }{
		{"reset-vs-mode=reply-on-start", ""},
		{"reset-vs-mode", "knob reset-vs-mode without a value: want reset-vs-mode=VALUE (allowed: hold-reply, complete-anyway, reply-on-start)"},
		{"flr-vs-mode", "knob flr-vs-mode without a value: want flr-vs-mode=VALUE (allowed: hold-reply, defer-flr, complete-anyway)"},
		{"bogus", `knob "bogus": want key=value`},
		{"reset-vs-mode=reply", `knob reset-vs-mode: unknown value "reply" (allowed: hold-reply, complete-anyway, reply-on-start)`},
		{"reset-vs-mod=hold-reply", `unknown knob "reset-vs-mod" (knobs: `},
	}
	for _, c := range cases {
		t.Run(c.kv, func(t *testing.T) {
			err := CheckKnob(c.kv)
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, c.want)
		})
	}
}
