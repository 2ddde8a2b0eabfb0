package extdevice

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFromWireErrors: each converter refuses a message it cannot read
// with an error that starts with the field, as the protocol spells it
// (the wants are prefixes of the errors).
func TestFromWireErrors(t *testing.T) {
	config := func(m *Message) error { _, err := ConfigFromWire(m.Config); return err }
	event := func(m *Message) error { _, err := EventFromWire(m.Event); return err }
	effects := func(m *Message) error { _, err := effectsFromWire(m, 1); return err }
	hello := func(m *Message) error { _, err := infoFromHello(m); return err }
	tests := []struct {
		name string
		conv func(*Message) error
		line string
		want string
	}{
		{"no config", config, `{"id":2,"op":"new","dev":1}`, "config: missing"},
		{"edition", config, `{"id":2,"op":"new","config":{"edition":"virtio-2.0"}}`,
			`config.edition: spec: unknown edition "virtio-2.0" (want draft-2023 or virtio-1.4)`},
		{"unknown knob", config, `{"id":2,"op":"new","config":{"edition":"virtio-1.4","rules":{"warp":"9","read":"full"}}}`,
			`config.rules: spec: unknown knob "warp"`},
		{"first bad knob by name", config, `{"id":2,"op":"new","config":{"edition":"virtio-1.4","rules":{"transitions":"x","read":"x"}}}`,
			`config.rules: spec: knob read: unknown value "x"`},
		{"no event", event, `{"id":3,"op":"event","dev":1}`, "event: missing"},
		{"event kind", event, `{"id":3,"op":"event","event":{"kind":"reboot"}}`,
			`event.kind: unknown event kind "reboot" (want tlp, admin, timer, step or backend)`},
		{"no tlp", event, `{"id":3,"op":"event","event":{"kind":"tlp"}}`, "event.tlp: missing in a tlp event"},
		{"tlp kind", event, `{"id":3,"op":"event","event":{"kind":"tlp","tlp":{"kind":"IORd"}}}`,
			`event.tlp.kind: unknown TLP kind "IORd" (want CfgRd, CfgWr, MRd or MWr)`},
		{"no admin", event, `{"id":3,"op":"event","event":{"kind":"admin"}}`, "event.admin: missing in an admin event"},
		{"timer", event, `{"id":3,"op":"event","event":{"kind":"timer","timer":"nmi"}}`,
			`event.timer: unknown timer "nmi" (want flr or pm)`},
		{"no step", event, `{"id":3,"op":"event","event":{"kind":"step"}}`, "event.step: missing in a step event"},
		{"step kind", event, `{"id":3,"op":"event","event":{"kind":"step","step":{"kind":"rewind"}}}`,
			`event.step.kind: unknown step kind "rewind" (want fetch, execute, complete, admin, finish-flr, finish-reset or deliver-held)`},
		{"another kind's field", event, `{"id":3,"op":"event","event":{"kind":"timer","timer":"flr","tlp":{"kind":"CfgRd","len":4}}}`,
			"event.tlp: not a field of a timer event"},
		{"a timer in a step event", event, `{"id":3,"op":"event","event":{"kind":"step","step":{"kind":"fetch"},"timer":"pm"}}`,
			"event.timer: not a field of a step event"},
		{"effects timer", effects, `{"id":3,"op":"effects","timers":[{"timer":"flr","delay":1},{"timer":"nmi"}]}`,
			`timers[1].timer: unknown timer "nmi" (want flr or pm)`},
		{"effects step", effects, `{"id":3,"op":"effects","steps":[{"kind":"fetch"},{"kind":"dance"}]}`,
			`steps[1].kind: unknown step kind "dance"`},
		{"hello edition", hello, `{"id":1,"op":"hello","protocol":1,"editions":["draft-2023","virtio-2.0"]}`,
			`editions[1]: spec: unknown edition "virtio-2.0"`},
		{"hello knob value", hello, `{"id":1,"op":"hello","protocol":1,"knobs":{"read":["full","never"]}}`,
			`knobs: spec: knob read: unknown value "never"`},
		{"hello knob without values", hello, `{"id":1,"op":"hello","protocol":1,"knobs":{"read":[]}}`,
			`knobs: "read": an empty list: name the values the device implements`},
		{"hello repeated edition", hello, `{"id":1,"op":"hello","protocol":1,"editions":["virtio-1.4","draft-2023","virtio-1.4"]}`,
			`editions[2]: virtio-1.4 repeated (editions[0])`},
		{"hello repeated knob value", hello, `{"id":1,"op":"hello","protocol":1,"knobs":{"read":["full","full"]}}`,
			`knobs: "read"[1]: "full" repeated ("read"[0])`},
		{"hello knob as an identifier", hello, `{"id":1,"op":"hello","protocol":1,"knobs":{"flr_vs_mode":["hold-reply"]}}`,
			`knobs: spec: unknown knob "flr_vs_mode" (knobs: read, stop-config-write, flr-vs-mode, reset-vs-mode, mode-after-flr, freeze-notify, transitions, resume-config-notify, resume-avail, rx-while-stopped, list-before-vf-enable, cap-group, pending-work, reexec); did you mean flr-vs-mode?`},
		{"hello first bad knob by name", hello, `{"id":1,"op":"hello","protocol":1,"knobs":{"warp":["9"],"read":["sometimes"]}}`,
			`knobs: spec: knob read: unknown value "sometimes"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeMessage([]byte(tc.line))
			require.NoError(t, err)
			for range 3 { // the same error each time, whatever the maps' order
				err = tc.conv(m)
				require.Error(t, err)
				assert.True(t, strings.HasPrefix(err.Error(), tc.want), "got %v", err)
			}
		})
	}
}
