package trace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
)

// TestWriteReportDevice: a report of a run with a device under test names
// the device, reproduces the run with the caller's commands and points at
// migsim conform for its orderings; one of the reference devices names
// none and reproduces it with migsim replay and migsim trace (and the
// pcapng export when no pcapng file was written). The tshark command
// loads the dissector written beside the pcapng, or one migsim dissector
// writes first: never docs/migsim.lua, which only the source tree has.
func TestWriteReportDevice(t *testing.T) {
	sc := &schedfile.Schedule{Scenario: "fixture", Edition: "draft-2023", Strategy: "random"}
	dev := []string{"migsim conform --device exec:./dev --replay f.json", "migsim trace --device exec:./dev f.json --format text"}
	cases := []struct {
		name      string
		device    string
		reproduce []string
		pcap      string
		want, not []string
		// pcapPath is the pcapng's path from where the report was made.
		pcapPath string
	}{
		{"reference", "", nil, "f.pcapng",
			[]string{"```sh\nmigsim replay f.json\nmigsim trace f.json --format text\nmigsim dissector --out migsim.lua\ntshark -N n -X lua_script:migsim.lua -r f.pcapng ",
				"`migsim replay --explain` prints the same"},
			[]string{"| device | `", "--device", "--format pcapng"}, ""},
		{"reference, report in another directory", "", nil, "f.pcapng",
			[]string{"migsim replay f.json\nmigsim trace f.json --format text\ntshark -N n -X lua_script:findings/migsim.lua -r findings/f.pcapng ",
				"[`f.pcapng`](f.pcapng) (Wireshark with [`migsim.lua`](migsim.lua) beside it, "},
			[]string{"-r f.pcapng", "migsim dissector --out", "docs/migsim.lua"}, "findings/f.pcapng"},
		{"reference, no pcapng file", "", nil, "",
			[]string{"migsim trace f.json --format text\nmigsim trace f.json --format pcapng --out run.pcapng\nmigsim dissector --out migsim.lua\ntshark -N n -X lua_script:migsim.lua -r run.pcapng "},
			nil, ""},
		{"device", "exec:./dev", dev, "f.pcapng",
			[]string{"| device | `exec:./dev` |\n| edition |",
				"```sh\n" + strings.Join(dev, "\n") + "\nmigsim dissector --out migsim.lua\ntshark -N n -X lua_script:migsim.lua -r f.pcapng "},
			[]string{"migsim replay", "migsim trace f.json"}, ""},
		{"device with arguments", "exec:./dev", dev, "f.pcapng",
			[]string{"| device | `exec:./dev` (`--device exec:./dev --timeout 7s -- -v`) |\n| edition |"}, nil, ""},
		{"device, explained", "exec:./dev", dev, "f.pcapng",
			[]string{"`migsim conform --device DEVICE --replay FILE --explain` prints the same"}, []string{"migsim replay"}, ""},
	}
	// The device's flags (DeviceFlags), by case: the name alone is not
	// repeated.
	flags := map[string]string{"device": "--device exec:./dev", "device with arguments": "--device exec:./dev --timeout 7s -- -v"}
	// The dissector written beside the pcapng (migsim report's), by case;
	// without it the commands write it first.
	lua := map[string]string{"reference, report in another directory": "findings/migsim.lua"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			require.NoError(t, WriteReport(&b, &Report{Schedule: sc, SchedulePath: "f.json", Result: engine.Result{Finding: exportFixtureFinding()},
				Events: exportFixture(), PcapngFile: c.pcap, PcapngPath: c.pcapPath, DissectorPath: lua[c.name], Device: c.device, Reproduce: c.reproduce, DeviceFlags: flags[c.name], Why: &Why{Text: "no ordering", Moved: true}}))
			for _, w := range c.want {
				assert.Contains(t, b.String(), w)
			}
			for _, n := range c.not {
				assert.NotContains(t, b.String(), n)
			}
		})
	}
}
