package catalog

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A schedule whose edition or knobs the world does not know is refused with
// the file and the field named.
func TestReadScheduleFile_WorldFields(t *testing.T) {
	cases := []struct {
		file string
		want string
	}{
		{"bad-edition.json", `field edition: spec: unknown edition "virtio-2.0"`},
		{"bad-knob.json", `field knobs: knob flr-vs-mode: unknown value "maybe"`},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "sched", tc.file)
			_, err := ReadScheduleFile(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "catalog: schedule "+path+": ")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
