package compatreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx/compat"
)

// TestManyMismatchesCapped: the text report and the error's text list the
// first compat.MaxListedMismatches mismatches and count the rest; the
// count line of the report gives the total; the JSON report keeps every
// one.
func TestManyMismatchesCapped(t *testing.T) {
	for _, n := range []int{1, compat.MaxListedMismatches, compat.MaxListedMismatches + 1, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var ms []compat.Mismatch
			for i := range n {
				ms = append(ms, compat.Mismatch{Code: compat.CodeContext, Field: fmt.Sprintf("part %d (0x200) selector", i),
					Source: "1", Destination: "0"})
			}
			ie := &compat.IncompatibleError{Phase: compat.PhaseLoad, Model: "m", Mismatches: ms}
			listed := min(n, compat.MaxListedMismatches)

			msg := ie.Error()
			assert.Equal(t, listed, strings.Count(msg, "selector: source 1"), "the listed mismatches")
			assert.Contains(t, msg, ms[listed-1].String())
			if n > listed {
				assert.NotContains(t, msg, ms[listed].String()+";")
				assert.True(t, strings.HasSuffix(msg, fmt.Sprintf("; … and %d more (%d mismatches in all)", n-listed, n)), msg)
			} else {
				assert.NotContains(t, msg, "more (")
			}

			rep, err := Fill(Report{Model: "m", StateVersion: 1}, compat.LoadPlan{}, ie)
			require.NoError(t, err)
			var text bytes.Buffer
			require.NoError(t, Write(&text, rep, "text"))
			lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
			assert.Contains(t, lines[0], fmt.Sprintf(", %d mismatch", n), "the count line gives the total")
			if n > listed {
				require.Len(t, lines, 1+listed+1)
				assert.Equal(t, fmt.Sprintf("  … and %d more (the JSON report lists every one)", n-listed), lines[len(lines)-1])
			} else {
				require.Len(t, lines, 1+n)
			}
			for i, l := range lines[1 : 1+listed] {
				assert.Equal(t, "  "+ms[i].String(), l)
			}

			var js bytes.Buffer
			require.NoError(t, Write(&js, rep, "json"))
			var back Report
			require.NoError(t, json.Unmarshal(js.Bytes(), &back))
			assert.Len(t, back.Mismatches, n)
		})
	}
}
