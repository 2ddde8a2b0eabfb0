package trace

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The dissector in docs/migsim.lua and the layout table in docs/traces.md
// name exactly the fields of RecordFields.
func TestExportLuaFieldsInSync(t *testing.T) {
	lua, err := os.ReadFile("../docs/migsim.lua")
	require.NoError(t, err)
	var want []string
	for _, f := range RecordFields() {
		want = append(want, f.Name)
	}
	sort.Strings(want)
	re := regexp.MustCompile(`ProtoField\.\w+\(\s*"migsim\.([a-z0-9_.]+)"`)
	var got []string
	for _, m := range re.FindAllStringSubmatch(string(lua), -1) {
		got = append(got, m[1])
	}
	sort.Strings(got)
	assert.Equal(t, want, got, "docs/migsim.lua ProtoFields vs sim.RecordFields")
	// Every field variable is registered in migsim.fields.
	fields := regexp.MustCompile(`(?s)migsim\.fields = \{(.*?)\n\}`).FindSubmatch(lua)
	require.NotNil(t, fields, "docs/migsim.lua: no migsim.fields table")
	for _, name := range want {
		assert.Contains(t, string(fields[1]), "f."+strings.ReplaceAll(name, ".", "_"), "migsim.fields lacks %s", name)
	}
	assert.Contains(t, string(lua), `DissectorTable.get("wtap_encap")`)
}

func TestExportDocsLayoutInSync(t *testing.T) {
	doc, err := os.ReadFile("../docs/traces.md")
	require.NoError(t, err)
	var rows []string
	for _, f := range RecordFields() {
		rows = append(rows, "| `"+f.Name+"` | "+f.Section+" | "+f.Type+" | "+strings.ReplaceAll(f.Doc, "|", `\|`)+" |")
	}
	assert.Contains(t, string(doc), strings.Join(rows, "\n"), "docs/traces.md record layout table is out of date")
}
