package mutants_test

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// fullMatrix runs every mutant against every row of the catalog (slow;
// opt-in): go test ./conformance/mutants -run TestMutantMatrix -mutants.full
var fullMatrix = flag.Bool("mutants.full", false, "judge every mutant against every catalog row (slow)")

// onlyMutants limits the full matrix to mutants whose name contains it.
var onlyMutants = flag.String("mutants.only", "", "with -mutants.full: only the mutants whose name contains this")

// TestMutantMatrix judges every catalog row with every mutant that
// applies to its edition and lists the rows that no longer match. It only
// runs with -mutants.full; TestMutantsCaught is the fast check.
func TestMutantMatrix(t *testing.T) {
	if !*fullMatrix {
		t.Log("the full matrix runs with -mutants.full")
		return
	}
	ss, err := catalog.Catalog()
	require.NoError(t, err)
	for _, m := range mutants.All() {
		if !strings.Contains(m.Name, *onlyMutants) {
			continue
		}
		var caught []string
		for _, s := range ss {
			for _, e := range s.Expect {
				if !m.Applies(e.Edition) {
					continue
				}
				// A bug of any device builds the blk and the net VFs.
				cfg := catalog.JudgeConfig{Member: m.Factory(blk.New), NetMember: m.Factory(membernet.New)}
				if m.Device == mutants.DeviceNet {
					cfg = catalog.JudgeConfig{NetMember: m.Factory(membernet.New)}
				}
				o, err := catalog.Judge(context.Background(), s, e, cfg)
				require.NoError(t, err)
				if o.Match {
					continue
				}
				got := catalog.VerdictText(o.Got, o.GotOracle)
				caught = append(caught, fmt.Sprintf("%s %s %s: %s (%s)", s.Name, e.Edition, strings.Join(e.Knobs, ","), got, o.Mismatch))
			}
		}
		t.Logf("%s: caught by %d rows\n  %s", m.Name, len(caught), strings.Join(caught, "\n  "))
	}
}
