package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flagLine is a flag's line in a command's flag list: "  -x, --name type".
var flagLine = regexp.MustCompile(`^\s+(?:-[A-Za-z], )?--([a-z0-9-]+)`)

// TestUsageSynopsisNamesEveryFlag: a command's usage lines (its help up to
// the first blank line) name every flag the command takes, or say
// "[flags]" for the list below them, so that a reader of the synopsis
// sees what the command takes.
func TestUsageSynopsisNamesEveryFlag(t *testing.T) {
	cmds := [][]string{{"bench", "vfs"}}
	for _, n := range commandNames() {
		cmds = append(cmds, []string{n})
	}
	for _, c := range cmds {
		t.Run(strings.Join(c, " "), func(t *testing.T) {
			_, out, _ := runSimCLI(t, append(append([]string{}, c...), "--help")...)
			synopsis, _, ok := strings.Cut(out, "\n\n")
			require.True(t, ok, "the usage lines end with a blank line")
			if strings.Contains(synopsis, "[flags]") {
				return
			}
			for _, l := range strings.Split(out, "\n") {
				if m := flagLine.FindStringSubmatch(l); m != nil {
					assert.Contains(t, synopsis, "--"+m[1], "the usage lines do not name --%s", m[1])
				}
			}
		})
	}
}
