package buildinfo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
)

// Unknown is the identity of a build that has neither VCS stamping nor an
// executable that can be read.
const Unknown = "unknown"

// Identity says which build of migsim is running, finer than the module
// version, which every unversioned build records as "devel": the VCS
// revision the build was stamped with ("vcs:0123…", all 40 digits);
// for a build of a modified tree, that revision says too little, so
// "vcs:0123…+modified sha256:89ab…" adds the executable's hash; without VCS
// stamping (-buildvcs=false, a build outside a checkout, go run) the
// executable's hash alone ("sha256:" and the first 16 hex digits of its
// SHA-256). exe opens the running executable (ExecutableFile); when it
// cannot, and the build names no revision, the identity is Unknown.
func Identity(bi *debug.BuildInfo, exe func() (io.ReadCloser, error)) string {
	rev, modified := "", false
	if bi != nil {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if rev != "" && !modified {
		return "vcs:" + rev
	}
	sum, err := hashOf(exe)
	switch {
	case rev != "" && err != nil:
		return "vcs:" + rev + "+modified"
	case rev != "":
		return "vcs:" + rev + "+modified " + sum
	case err != nil:
		return Unknown
	}
	return sum
}

// Identified reports whether identity names one build: the revision of a
// clean tree ("vcs:…") or an executable's hash ("sha256:…", alone or after
// a modified tree's revision). Unknown, and a modified tree's revision
// without the hash ("vcs:…+modified": the executable could not be read),
// are shared by builds that differ, so two summaries that record the same
// one may come from two builds.
func Identified(identity string) bool {
	return identity != "" && identity != Unknown && !strings.HasSuffix(identity, "+modified")
}

// hashOf is "sha256:" and the first 16 hex digits of the SHA-256 of what
// open returns.
func hashOf(open func() (io.ReadCloser, error)) (string, error) {
	f, err := open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("buildinfo: hash the executable: %w", err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// procSelfExe is the running executable's file on Linux, whatever
// became of its path: a binary replaced on disk (a new build copied over
// it) while the process runs still opens as the one running.
const procSelfExe = "/proc/self/exe"

// ExecutableFile opens the running executable: procSelfExe where there
// is one, else the file at its path (os.Executable), which names another
// build once the binary was replaced there. A shard writes its summary
// at its end, hours after it started perhaps: by then the path may hold
// the next build, whose hash would let merge take the shard for it.
func ExecutableFile() (io.ReadCloser, error) {
	if f, err := os.Open(procSelfExe); err == nil {
		return f, nil
	}
	p, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("buildinfo: executable: %w", err)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("buildinfo: executable: %w", err)
	}
	return f, nil
}

// Running is the identity of the running build (Identity of its build
// information and its executable), computed once: the executable is read
// at most once per process.
var Running = sync.OnceValue(func() string {
	bi, _ := debug.ReadBuildInfo()
	return Identity(bi, ExecutableFile)
})
