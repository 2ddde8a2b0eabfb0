package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKnobEditions: the knobs that settle one edition's text only are
// refused for the other, with an error naming the knob, the edition, why,
// and the knobs that apply; every other knob applies to both editions.
func TestKnobEditions(t *testing.T) {
	only := map[string]Edition{"read": Draft2023, "freeze-notify": Draft2023, "transitions": Draft2023,
		"reexec": Draft2023, "cap-group": Virtio14}
	for _, k := range Knobs {
		for _, e := range Editions {
			want := true
			if o, ok := only[k.Name]; ok {
				want = o == e
			}
			assert.Equal(t, want, k.AppliesTo(e), "%s under %s", k.Name, e)
			for _, v := range k.Values {
				_, err := ParseRules(e, []string{k.Name + "=" + v})
				if want {
					assert.NoError(t, err, "%s=%s under %s", k.Name, v, e)
					continue
				}
				require.Error(t, err, "%s=%s under %s", k.Name, v, e)
				msg := err.Error()
				assert.Contains(t, msg, "spec: knob "+k.Name+" does not apply to "+e.String())
				assert.Contains(t, msg, e.String()+" knobs: ")
				for _, n := range KnobNamesFor(e) {
					assert.Contains(t, msg, n)
				}
			}
		}
	}
	for _, e := range Editions {
		for _, k := range KnobsFor(e) {
			assert.NoError(t, CheckKnobApplies(e, k.Name))
		}
	}
	assert.NoError(t, CheckKnobApplies(Virtio14, "no-such-knob"), "an unknown knob is Set's to report")
}
