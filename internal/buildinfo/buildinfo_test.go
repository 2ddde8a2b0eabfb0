package buildinfo

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The version line from build information, with and without a module
// version, VCS stamping or build information at all.
func TestText(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "52ba9ee6af30c0ffee0123456789abcdef012345"},
		{Key: "vcs.time", Value: "2026-12-03T05:45:53Z"}}
	cases := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build information", nil, "migsim devel (no build information)"},
		{"go build without VCS stamping", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "migsim devel (go1.26.8)"},
		{"empty version", &debug.BuildInfo{Main: debug.Module{}}, "migsim devel"},
		{"go install of a tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, "migsim v1.2.0 (go1.26.8)"},
		{"stamped", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261203054553-52ba9ee6af30"}, Settings: vcs},
			"migsim v0.0.0-20261203054553-52ba9ee6af30 (revision 52ba9ee6af30, go1.26.8)"},
		{"stamped, modified", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: append([]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}, vcs...)}, "migsim devel (revision 52ba9ee6af30, modified, go1.26.8)"},
		{"short revision", &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}}}, "migsim devel (revision abc)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Text(c.bi))
		})
	}
}
