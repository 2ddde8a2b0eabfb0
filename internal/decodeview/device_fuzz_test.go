package decodeview

import (
	"strings"
	"testing"
)

// FuzzParseDevice: a --device value is one of Devices' names, read as its
// id (DeviceName gives the name back), or an error that lists them.
func FuzzParseDevice(f *testing.F) {
	for _, s := range []string{"blk", "net", "unknown", "Blk", "", "net "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseDevice(s)
		if err != nil {
			if !strings.Contains(err.Error(), "want unknown, blk, net") {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if DeviceName(id) != s {
			t.Fatalf("%q read as %d, named %q", s, id, DeviceName(id))
		}
	})
}
