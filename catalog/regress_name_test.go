package catalog

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/spec"
)

// TestRegressName: the name spells the target; characters a file name
// should not hold become '-'; a name too long for a file system keeps its
// start and ends in a hash of the whole, so two long names differ.
func TestRegressName(t *testing.T) {
	long := strings.Repeat("a", 300)
	for _, tc := range []struct {
		name     string
		scenario string
		knobs    []string
		settings []string
		want     string
	}{
		{"plain", "smoke-migrate", nil, nil, "smoke-migrate_virtio-1.4.json"},
		{"knobs and settings", "s", []string{"reexec=all"}, []string{"vm-vfs=1-8"}, "s_virtio-1.4_reexec=all_set-vm-vfs=1-8.json"},
		{"odd characters", "a b/c", nil, nil, "a-b-c_virtio-1.4.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, RegressName(tc.scenario, spec.Virtio14, tc.knobs, tc.settings))
		})
	}
	a := RegressName(long, spec.Virtio14, nil, nil)
	b := RegressName(long, spec.Draft2023, nil, nil)
	assert.LessOrEqual(t, len(a), maxRegressBase+len(".json"))
	assert.True(t, strings.HasPrefix(a, long[:100]), "the start of the name is kept: %s", a)
	assert.NotEqual(t, a, b, "the hash tells long names apart")
	assert.Equal(t, a, RegressName(long, spec.Virtio14, nil, nil), "and is the same every time")
}
