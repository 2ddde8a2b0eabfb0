package engine

import (
	"fmt"
	"runtime/debug"
	"sync"
)

var moduleVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
})

// ModuleVersion returns the main module's version from the build info, or
// "devel" when it is unknown (go run, go test).
func ModuleVersion() string { return moduleVersion() }

// FormatHash renders a 64-bit hash as 16 hex digits.
func FormatHash(h uint64) string { return fmt.Sprintf("%016x", h) }

// oracleOf names the oracle of a finding, "" for none.
func oracleOf(f *Finding) string {
	if f == nil {
		return ""
	}
	return f.Oracle
}
