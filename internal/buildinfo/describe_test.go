package buildinfo

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The description `migsim version` prints, for a clean checkout, a
// modified tree, a build without VCS stamping and no build information.
func TestDescribe(t *testing.T) {
	const rev = "52ba9ee6af30c0ffee0123456789abcdef012345"
	stamped := func(modified string) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	cases := []struct {
		name     string
		bi       *debug.BuildInfo
		identity string
		want     Description
		lines    string
	}{
		{"clean checkout", stamped("false"), "vcs:" + rev,
			Description{Version: "devel", Revision: rev, GoVersion: "go1.26.8", Build: "vcs:" + rev},
			"revision: " + rev + "\nbuild: vcs:" + rev + " (what shard summaries record and migsim merge compares)\n"},
		{"modified tree", stamped("true"), "vcs:" + rev + "+modified sha256:a9a83ccc2d7f233d",
			Description{Version: "devel", Revision: rev, Modified: true, GoVersion: "go1.26.8", SHA256: "a9a83ccc2d7f233d", Build: "vcs:" + rev + "+modified sha256:a9a83ccc2d7f233d"},
			"revision: " + rev + ", modified\nexecutable sha256: a9a83ccc2d7f233d (first 16 hex digits)\nbuild: vcs:" + rev +
				"+modified sha256:a9a83ccc2d7f233d (what shard summaries record and migsim merge compares)\n"},
		{"not stamped", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, "sha256:59d5c6bf7c8e04ed",
			Description{Version: "v1.2.0", GoVersion: "go1.26.8", SHA256: "59d5c6bf7c8e04ed", Build: "sha256:59d5c6bf7c8e04ed"},
			"revision: none (not VCS-stamped)\nexecutable sha256: 59d5c6bf7c8e04ed (first 16 hex digits)\nbuild: sha256:59d5c6bf7c8e04ed (what shard summaries record and migsim merge compares)\n"},
		{"no build information", nil, Unknown,
			Description{Version: "devel", Build: Unknown},
			"revision: none (not VCS-stamped)\nbuild: unknown (what shard summaries record and migsim merge compares)\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Describe(c.bi, c.identity)
			assert.Equal(t, c.want, d)
			assert.Equal(t, c.lines, d.Lines())
		})
	}
}
