// Package buildinfo is the version line `migsim version` prints, from the
// binary's build information (runtime/debug.ReadBuildInfo), and the build
// identity shard summaries record (Identity, Running): the VCS revision,
// or the executable's hash where that says too little.
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Text renders the build information: "migsim v1.2.0 (revision
// 0123456789ab, modified; go1.26.8)". A build without a module version
// ("(devel)") is "devel"; a build without VCS stamping (-buildvcs=false,
// go run) names no revision; without build information at all it says so.
func Text(bi *debug.BuildInfo) string {
	if bi == nil {
		return "migsim devel (no build information)"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var parts []string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			parts = append([]string{"revision " + s.Value[:min(len(s.Value), 12)]}, parts...)
		case s.Key == "vcs.modified" && s.Value == "true":
			parts = append(parts, "modified")
		}
	}
	if bi.GoVersion != "" {
		parts = append(parts, bi.GoVersion)
	}
	if len(parts) == 0 {
		return "migsim " + v
	}
	return "migsim " + v + " (" + strings.Join(parts, ", ") + ")"
}
