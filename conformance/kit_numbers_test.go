package conformance_test

import (
	"encoding/json"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
)

// hex64Keys are the keys whose values are 64-bit quantities, written as
// "0x…" strings (docs/device-protocol.md, "Lines and values").
var hex64Keys = []string{"addr", "bar0", "features", "digest"}

// TestKitNumbersFitADouble pins what docs/device-protocol.md ("Lines and
// values") promises a device whose JSON reader parses numbers as IEEE
// doubles (JavaScript's JSON.parse, Lua, jq): every JSON number on the
// wire, either way, is an integer of at most 2^53, and the 64-bit
// quantities are "0x…" strings. The device tests and the catalog rows
// whose disk is resized (the largest capacity a row sends) run with the
// reference served over the protocol; every line of the exchange is
// checked. The bounds behind it: capacity and sectors are at most 2^32
// (the scenario grammar, docs/scenarios.md), lengths at most 256 KiB, and
// ids, dev numbers, tags and frame sequence numbers are counters.
func TestKitNumbersFitADouble(t *testing.T) {
	var tr numberTranscript
	d := conformance.ServedDevice("extblk", serveBlk, extdevice.Options{Transcript: &tr})
	rep, err := conformance.Check(d, conformance.WithBudget(conformance.ShortBudget), conformance.ReplayDir(t.TempDir()),
		conformance.Scenarios("capacity-change-while-stopped", "resize-in-stop-only"))
	require.NoError(t, err)
	require.Empty(t, rep.Stopped)
	tr.cut.mu.Lock()
	defer tr.cut.mu.Unlock()
	assert.Empty(t, tr.bad, "lines with a number above 2^53, a non-integer number or a 64-bit quantity not a string")
	assert.Greater(t, tr.lines, 1000, "the exchange was checked")
	// The resize reached the device: the largest capacity the catalog's
	// rows send went by.
	assert.GreaterOrEqual(t, tr.maxCapacity, uint64(4096), "a resized disk's capacity went by")
	for _, k := range hex64Keys {
		assert.True(t, tr.hexSeen[k], "a %q went by", k)
	}
}

// numberTranscript is a transcript (extdevice.Options.Transcript) that
// checks every number and every 64-bit key of every line.
type numberTranscript struct {
	cut         transcriptLines
	lines       int
	maxCapacity uint64
	hexSeen     map[string]bool
	bad         []string
}

func (o *numberTranscript) Write(b []byte) (int, error) {
	return o.cut.write(b, func(l []byte) { o.line(string(l)) })
}

// line checks one "kit> {…}" or "dev> {…}" line.
func (o *numberTranscript) line(l string) {
	if strings.HasPrefix(l, "# ") { // the kit's mark of a unit
		return
	}
	o.lines++
	_, js, ok := strings.Cut(l, "> ")
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	var v any
	if !ok || dec.Decode(&v) != nil {
		o.bad = append(o.bad, "not a message: "+l)
		return
	}
	if o.hexSeen == nil {
		o.hexSeen = map[string]bool{}
	}
	o.walk(l, "", v)
}

// limit is 2^53: every integer up to it is a double.
var limit = new(big.Int).Lsh(big.NewInt(1), 53)

func (o *numberTranscript) walk(l, key string, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range x {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			o.walk(l, k, x[k])
		}
	case []any:
		for _, e := range x {
			o.walk(l, key, e)
		}
	case json.Number:
		n, ok := new(big.Int).SetString(string(x), 10)
		switch {
		case !ok:
			o.bad = append(o.bad, key+": "+string(x)+" is not an integer: "+l)
		case n.Sign() < 0 || n.Cmp(limit) > 0:
			o.bad = append(o.bad, key+": "+string(x)+" is outside 0..2^53: "+l)
		case slices.Contains(hex64Keys, key):
			o.bad = append(o.bad, key+": a number, want a \"0x…\" string: "+l)
		case key == "capacity":
			o.maxCapacity = max(o.maxCapacity, n.Uint64())
		}
	case string:
		if slices.Contains(hex64Keys, key) {
			if !strings.HasPrefix(x, "0x") {
				o.bad = append(o.bad, key+": "+x+" does not start 0x: "+l)
			}
			o.hexSeen[key] = true
		}
	}
}
