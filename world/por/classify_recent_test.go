package por

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestClassifyRecent: ClassifyRecent gives what Classify gives for labels
// under every kind (the same text classifies differently by kind), for more
// labels than there are slots (so that they share slots and replace each
// other), for labels shorter than a word, and for a label's text built
// again, looked up in turns, concurrently.
func TestClassifyRecent(t *testing.T) {
	rests := []string{"", "sleep", "wait-irq", "signal go", "await go", "frobnicate", "switchover dst",
		"src wait-admin", "src pf mmio-write 0x2000=01", "src frobnicate", "p2p-kick vf2 q0", "rx vf1 n=2 flow=0"}
	for i := range 3 << classRecentBits {
		rests = append(rests, fmt.Sprintf("mmio-write msix[%d]=%08x", i%16, i),
			fmt.Sprintf("src pf mmio-write 0x%x=0000", 0xd0003000+4*i), fmt.Sprintf("link vf%d down", i))
	}
	require.Greater(t, len(rests), 4*classRecent.Len())
	kinds := []ActorKind{0, ActorGuest, ActorHV, ActorPeer}
	check := func(t *testing.T) {
		for round := range 2 {
			for _, rest := range rests {
				for _, k := range kinds {
					again := string([]byte(rest))
					require.Equal(t, Classify(k, rest), ClassifyRecent(k, rest), "round %d kind %d %q", round, k, rest)
					require.Equal(t, Classify(k, rest), ClassifyRecent(k, again), "round %d kind %d %q built again", round, k, rest)
				}
			}
		}
	}
	check(t)
	t.Run("concurrent", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				check(t)
			})
		}
	})
}
