package buildinfo

import (
	"errors"
	"io"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The build identity from VCS stamping when the tree was clean, else from
// the executable's bytes (with the revision of a modified tree), Unknown
// when neither says anything.
func TestIdentity(t *testing.T) {
	const rev = "52ba9ee6af30c0ffee0123456789abcdef012345"
	stamped := func(modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	exe := func(content string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil }
	}
	noExe := func() (io.ReadCloser, error) { return nil, errors.New("no executable") }
	// sha256("binary A") and sha256("binary B"), first 16 hex digits.
	const hashA, hashB = "sha256:a9a83ccc2d7f233d", "sha256:59d5c6bf7c8e04ed"
	cases := []struct {
		name string
		bi   *debug.BuildInfo
		exe  func() (io.ReadCloser, error)
		want string
		// identified: the identity names one build (Identified).
		identified bool
	}{
		{"clean checkout", stamped("false"), noExe, "vcs:" + rev, true},
		{"clean checkout, the executable not read", stamped("false"), exe("binary A"), "vcs:" + rev, true},
		{"modified tree", stamped("true"), exe("binary A"), "vcs:" + rev + "+modified " + hashA, true},
		{"modified tree, another build of it", stamped("true"), exe("binary B"), "vcs:" + rev + "+modified " + hashB, true},
		{"modified tree, no executable", stamped("true"), noExe, "vcs:" + rev + "+modified", false},
		{"no VCS stamping", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, exe("binary A"), hashA, true},
		{"no VCS stamping, another binary", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, exe("binary B"), hashB, true},
		{"no build information", nil, exe("binary A"), hashA, true},
		{"nothing at all", nil, noExe, Unknown, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Identity(c.bi, c.exe))
			assert.Equal(t, c.identified, Identified(c.want), c.want)
		})
	}
	assert.False(t, Identified(""), "no identity at all")
}

// The running build has an identity (a test binary is not VCS-stamped: its
// executable's hash), the same every time it is asked.
func TestRunning(t *testing.T) {
	id := Running()
	assert.NotEqual(t, Unknown, id)
	assert.Regexp(t, `^(vcs:[0-9a-f]+(\+modified( sha256:[0-9a-f]{16})?)?|sha256:[0-9a-f]{16})$`, id)
	assert.Equal(t, id, Running())
}
