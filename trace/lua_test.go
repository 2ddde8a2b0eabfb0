package trace

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/golden"
)

const luaPath = "../docs/migsim.lua"

// The generated section of docs/migsim.lua is DissectorLua: the value
// tables and ProtoFields come from the Go tables. -rewrite splices it in.
func TestDissectorLuaInSync(t *testing.T) {
	lua, err := os.ReadFile(luaPath)
	require.NoError(t, err)
	begin := strings.Index(string(lua), LuaBeginMarker)
	end := strings.Index(string(lua), LuaEndMarker)
	require.True(t, begin >= 0 && end > begin, "docs/migsim.lua: no generated section between %q and %q", LuaBeginMarker, LuaEndMarker)
	end += len(LuaEndMarker) + 1
	want := DissectorLua()
	if golden.Rewrite() {
		lua = []byte(string(lua[:begin]) + want + string(lua[end:]))
		require.NoError(t, os.WriteFile(luaPath, lua, 0o644))
	}
	assert.Equal(t, want, string(lua[begin:end]), "docs/migsim.lua generated section is stale: go test ./trace -run TestDissectorLuaInSync -rewrite")
	assert.Contains(t, string(lua), `DissectorTable.get("wtap_encap")`)
}

// Every record field and decoded field is declared once; the generated
// ProtoFields cover RecordFields.
func TestDissectorFieldsCoverRecord(t *testing.T) {
	gen := DissectorLua()
	seen := map[string]bool{}
	for _, f := range DissectorFields() {
		assert.False(t, seen[f.Name], "field %s declared twice", f.Name)
		seen[f.Name] = true
		assert.NotEmpty(t, f.Label, "field %s has no label", f.Name)
		assert.Contains(t, gen, `"migsim.`+f.Name+`"`)
	}
	for _, f := range RecordFields() {
		assert.True(t, seen[f.Name], "record field %s not in the dissector", f.Name)
	}
}

func TestExportDocsLayoutInSync(t *testing.T) {
	doc, err := os.ReadFile("../docs/traces.md")
	require.NoError(t, err)
	var rows []string
	for _, f := range RecordFields() {
		rows = append(rows, "| `"+f.Name+"` | "+f.Section+" | "+f.Type+" | "+strings.ReplaceAll(f.Doc, "|", `\|`)+" |")
	}
	assert.Contains(t, string(doc), strings.Join(rows, "\n"), "docs/traces.md record layout table is out of date")
	rows = nil
	for _, f := range decodedFields {
		rows = append(rows, "| `migsim."+f.Name+"` | "+strings.ReplaceAll(f.Doc, "|", `\|`)+" |")
	}
	assert.Contains(t, string(doc), strings.Join(rows, "\n"), "docs/traces.md decoded fields table is out of date")
}
