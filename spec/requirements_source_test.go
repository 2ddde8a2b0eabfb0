package spec

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docsDir is the project's docs, from this package's directory.
const docsDir = "../docs"

// docSection returns the text of the section of a Markdown file whose
// heading is title (or starts with title followed by " ("), up to the next
// heading of the same or a higher level; ok is false when there is none.
func docSection(doc, title string) (string, bool) {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		level := len(l) - len(strings.TrimLeft(l, "#"))
		if level == 0 || !strings.HasPrefix(l[level:], " ") {
			continue
		}
		h := strings.TrimSpace(l[level:])
		if h != title && !strings.HasPrefix(h, title+" (") {
			continue
		}
		end := len(lines)
		for j := i + 1; j < len(lines); j++ {
			if n := len(lines[j]) - len(strings.TrimLeft(lines[j], "#")); n > 0 && n <= level && strings.HasPrefix(lines[j][n:], " ") {
				end = j
				break
			}
		}
		return strings.Join(lines[i:end], "\n"), true
	}
	return "", false
}

func TestDocSection(t *testing.T) {
	doc := "# T\n\n## A (x)\none\n### A.1\ntwo\n## B\nthree\n#nothead\n"
	tests := []struct {
		title, want string
		ok          bool
	}{
		{"A", "## A (x)\none\n### A.1\ntwo", true},
		{"A.1", "### A.1\ntwo", true},
		{"B", "## B\nthree\n#nothead\n", true},
		{"C", "", false},
		{"nothead", "", false},
	}
	for _, tt := range tests {
		got, ok := docSection(doc, tt.title)
		assert.Equal(t, tt.ok, ok, "%q", tt.title)
		assert.Equal(t, tt.want, got, "%q", tt.title)
	}
}

// TestRequirementSourcesResolve: a source is a virtio spec file that
// docs/spec.md, "Requirement IDs", names, or cites a section of the
// project's docs that exists and names the requirement's ID, so the
// citation leads to a description of that statement.
func TestRequirementSourcesResolve(t *testing.T) {
	docCite := regexp.MustCompile(`^(the 2023 device-context proposal|migsim's definition of the draft) \(docs/([a-z0-9-]+\.md), "([^"]+)"\)$`)
	specFile := regexp.MustCompile(`^virtio spec ([a-z0-9/-]+\.tex) \([^()]+\)$`)
	b, err := os.ReadFile(filepath.Join(docsDir, "spec.md"))
	require.NoError(t, err)
	ids, ok := docSection(string(b), "Requirement IDs")
	require.True(t, ok, "docs/spec.md has a section Requirement IDs")
	docs := map[string]string{}
	for _, r := range Requirements() {
		if m := specFile.FindStringSubmatch(r.Source); m != nil {
			assert.True(t, strings.Contains(ids, "`"+m[1]+"`"), "%s: docs/spec.md, \"Requirement IDs\", does not name %s", r.ID, m[1])
			assert.False(t, strings.HasPrefix(r.ID, "DRAFT-"), "%s: a draft statement cites the virtio spec", r.ID)
			continue
		}
		m := docCite.FindStringSubmatch(r.Source)
		if !assert.NotNil(t, m, "%s: source %q is neither a virtio spec file nor an origin with a docs section", r.ID, r.Source) {
			continue
		}
		assert.True(t, strings.HasPrefix(r.ID, "DRAFT-"), "%s: only draft statements cite the project's docs", r.ID)
		doc, ok := docs[m[2]]
		if !ok {
			b, err := os.ReadFile(filepath.Join(docsDir, m[2]))
			if !assert.NoError(t, err, "%s: source %q", r.ID, r.Source) {
				continue
			}
			doc = string(b)
			docs[m[2]] = doc
		}
		sec, ok := docSection(doc, m[3])
		if assert.True(t, ok, "%s: docs/%s has no section %q", r.ID, m[2], m[3]) {
			assert.True(t, strings.Contains(sec, r.ID), "%s: docs/%s, %q, does not describe it (it does not name the ID)", r.ID, m[2], m[3])
		}
	}
}
