package scenario

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckActorClashes: a block whose name (or, for the hypervisor, whose
// edition) is taken is reported once, against the first block it clashes
// with, only among overlapping editions.
func TestCheckActorClashes(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"three of a name", "guest g\n  write count=1\nguest g\n  write count=1\nguest g\n  write count=1\n", []string{
			"4:7 guest g: the name is taken by the guest at line 2",
			"6:7 guest g: the name is taken by the guest at line 2",
		}},
		{"editions apart, then one without", "guest g edition=virtio-1.4\n  mode src\nguest g edition=draft-2023\n  mode src\nguest g\n  write count=1\n", []string{
			"6:7 guest g: the name is taken by the guest at line 2",
		}},
		{"the first of its edition, before one without", "guest h\n  write count=1\nguest g edition=draft-2023\n  mode src\nguest g\n  write count=1\nguest g edition=draft-2023\n  mode src\n", []string{
			"6:7 guest g: the name is taken by the guest at line 4",
			"8:7 guest g: the name is taken by the guest at line 4",
		}},
		{"hypervisors", "guest g\n  write count=1\nhypervisor edition=virtio-1.4\n  mode src running\nhypervisor\n  mode src active\nhypervisor edition=draft-2023\n  mode src active\n", []string{
			"6:1 a second hypervisor program for the same edition (the first is at line 4; give each edition=)",
			"8:1 a second hypervisor program for the same edition (the first is at line 6; give each edition=)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a.scn", []byte("scenario a\n"+tc.src+"vfs 2\nqueues 2\n"))
			require.NoError(t, err)
			assert.Equal(t, tc.want, problems(t, Check(s, editionsVocabulary())))
		})
	}
}

// TestCheckActorClashesLinear: n blocks of one name are n-1 problems, not
// one per pair (which made a file of a few kilobytes take minutes and
// gigabytes to check).
func TestCheckActorClashesLinear(t *testing.T) {
	const n = 2000
	src := "scenario a\nvfs 2\n" + strings.Repeat("guest g\n  write count=1\n", n) + strings.Repeat("hypervisor\n  mode src active\n", n)
	s, err := ParseScenario("a.scn", []byte(src))
	require.NoError(t, err)
	got := problems(t, Check(s, editionsVocabulary()))
	require.Len(t, got, 2*(n-1))
	assert.Equal(t, "5:7 guest g: the name is taken by the guest at line 3", got[0])
	assert.Equal(t, "4005:1 a second hypervisor program for the same edition (the first is at line 4003; give each edition=)", got[n-1])
}
