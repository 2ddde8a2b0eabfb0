package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The commands migsim prints for a user to paste (explore a scenario,
// replay a schedule file) quote every word a POSIX shell would split or
// expand, and leave the catalog's plain words as they were.
func TestPrintedCommands_Quoted(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"explore a catalog scenario", ExploreCommand("flr-during-freeze", "draft-2023", []string{"flr-vs-mode=complete-anyway"}, []string{"capacity=8"}),
			"migsim explore --scenario flr-during-freeze --spec draft-2023 --knob flr-vs-mode=complete-anyway --set capacity=8"},
		{"explore a file with a space", ExploreCommand("my scenarios/x.scn", "virtio-1.4", nil, nil),
			"migsim explore --scenario 'my scenarios/x.scn' --spec virtio-1.4"},
		{"a setting with a space", ExploreCommand("x.scn", "virtio-1.4", nil, []string{"note=a b"}),
			"migsim explore --scenario x.scn --spec virtio-1.4 --set 'note=a b'"},
		{"replay a regression file", ReplayCommand("catalog/testdata/regress/a_virtio-1.4_x=y.json"),
			"migsim replay catalog/testdata/regress/a_virtio-1.4_x=y.json"},
		{"replay a file with a space and a quote", ReplayCommand("out dir's/a.json"),
			`migsim replay 'out dir'\''s/a.json'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.got)
		})
	}
}
