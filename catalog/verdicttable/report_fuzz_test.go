package verdicttable

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseReport: any --report value either reads as a format of
// Formats and a non-empty file that together are the value, or is an
// error that quotes it; it never panics.
func FuzzParseReport(f *testing.F) {
	for _, s := range []string{"junit=report.xml", "json=", "=x", "text", "xml=a=b", "json=a=b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		format, file, err := ParseReport(arg)
		if err != nil {
			if format != "" || file != "" || !strings.Contains(err.Error(), "want FORMAT=FILE") {
				t.Fatalf("%q: %q, %q, %v", arg, format, file, err)
			}
			return
		}
		if !slices.Contains(Formats, format) || file == "" || format+"="+file != arg {
			t.Fatalf("%q read as %q and %q", arg, format, file)
		}
	})
}
