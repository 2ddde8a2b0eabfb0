package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Description is what `migsim version` prints of a build, as text (Lines)
// or as its JSON document: the module version, the VCS revision and
// whether the tree was modified, the Go version, and the build identity a
// shard summary records (Identity) with the executable's hash it holds,
// if any (a build without VCS stamping, or of a modified tree).
type Description struct {
	// Version is the module version, "devel" for a build without one.
	Version string `json:"version"`
	// Revision is the VCS revision, all its digits ("" without VCS
	// stamping: -buildvcs=false, go run, a build outside a checkout).
	Revision string `json:"revision"`
	// Modified is whether the stamped tree had changes not committed.
	Modified bool `json:"modified"`
	// GoVersion is the Go version the binary was built with.
	GoVersion string `json:"go"`
	// SHA256 is the executable's hash as the identity holds it (the first
	// 16 hex digits), "" when the identity is the revision alone.
	SHA256 string `json:"sha256"`
	// Build is the identity (Identity): what shard summaries record and
	// `migsim merge` compares.
	Build string `json:"build"`
}

// Describe describes the build of bi whose identity (Identity, Running)
// is identity.
func Describe(bi *debug.BuildInfo, identity string) Description {
	d := Description{Version: "devel", Build: identity}
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			d.Version = v
		}
		d.GoVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				d.Revision = s.Value
			case "vcs.modified":
				d.Modified = s.Value == "true"
			}
		}
	}
	for _, f := range strings.Fields(identity) {
		if h, ok := strings.CutPrefix(f, "sha256:"); ok {
			d.SHA256 = h
		}
	}
	return d
}

// Lines renders the description after the version line (Text): the
// revision ("none" without VCS stamping) with ", modified" for a modified
// tree, the executable's hash when the identity holds it, and the build
// identity, one "name: value" a line.
func (d Description) Lines() string {
	rev := d.Revision
	if rev == "" {
		rev = "none (not VCS-stamped)"
	}
	if d.Modified {
		rev += ", modified"
	}
	var b strings.Builder
	b.WriteString("revision: " + rev + "\n")
	if d.SHA256 != "" {
		b.WriteString("executable sha256: " + d.SHA256 + " (first 16 hex digits)\n")
	}
	b.WriteString("build: " + d.Build + " (what shard summaries record and migsim merge compares)\n")
	return b.String()
}
