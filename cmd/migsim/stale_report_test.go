package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestRemoveStaleReports: a run that stops with an error removes the
// --report files an earlier run left (a CI job must not read a green
// table it did not write) and says so, but only a file that opens as the
// table run writes in that format: any other file (a README named by
// mistake, a JSON document of another tool) is left and said so, and a
// path that is not a regular file or does not exist is left alone.
func TestRemoveStaleReports(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	junit := write("old.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"migsim run\" tests=\"2\">\n</testsuites>\n")
	jsonTable := write("old.json", "{\n  \"rows\": [\n  ],\n  \"match\": 0\n}\n")
	text := write("old.txt", "    Q  SCENARIO  EDITION  KNOBS  EXPECTED  GOT  ORACLE  IMPACT  EXPLORED\nok ...\n")
	readme := write("README.md", "# a project\n")
	otherJSON := write("other.json", "{\"name\": \"not a table\"}\n")
	sub := filepath.Join(dir, "a-directory")
	require.NoError(t, os.Mkdir(sub, 0o755))
	missing := filepath.Join(dir, "missing.json")

	var stderr bytes.Buffer
	removeStaleReports([]string{"junit=" + junit, "json=" + jsonTable, "text=" + text, "junit=" + readme,
		"json=" + otherJSON, "text=" + sub, "json=" + missing}, &stderr)
	for _, gone := range []string{junit, jsonTable, text, missing} {
		assert.NoFileExists(t, gone)
	}
	assert.FileExists(t, readme)
	assert.FileExists(t, otherJSON)
	assert.DirExists(t, sub)
	assert.Equal(t, "migsim run: removed "+junit+", an earlier run's --report junit="+junit+": this run wrote no table\n"+
		"migsim run: removed "+jsonTable+", an earlier run's --report json="+jsonTable+": this run wrote no table\n"+
		"migsim run: removed "+text+", an earlier run's --report text="+text+": this run wrote no table\n"+
		"migsim run: left "+readme+" as it is: it is not a junit verdict table this command wrote, and this run wrote none\n"+
		"migsim run: left "+otherJSON+" as it is: it is not a json verdict table this command wrote, and this run wrote none\n",
		stderr.String())
}

// TestLooksLikeTable: the tables run writes are recognised as such, in
// the format they were written in only. One run writes the three tables
// (a --report file is written alike whatever other --report flags the run
// has), so that the row is judged once, not once per format.
func TestLooksLikeTable(t *testing.T) {
	dir := t.TempDir()
	formats := []string{"junit", "json", "text"}
	args := []string{"run", "smoke-migrate", "--spec", "draft-2023", "--progress", "never"}
	for _, format := range formats {
		args = append(args, "--report", format+"="+filepath.Join(dir, "table."+format))
	}
	code, _, stderr := runSimCLI(t, args...)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	for _, format := range formats {
		p := filepath.Join(dir, "table."+format)
		for _, other := range formats {
			assert.Equal(t, other == format, looksLikeTable(p, other), "%s table read as %s", format, other)
		}
	}
}
