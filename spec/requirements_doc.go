package spec

import (
	"fmt"
	"strings"
)

// RequirementsSection renders the generated docs' list of requirements a
// scenario or an oracle names (docs/questions.md, docs/oracles.md): a
// "**Requirements.**" heading and one line per ID with its level,
// editions and text, or "not in the requirement catalog" for an ID the
// catalog lacks. It is empty for no IDs. A "|" in a requirement's text is
// escaped, so that the line cannot break a Markdown table either.
func RequirementsSection(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n**Requirements.**\n")
	for _, id := range ids {
		r, ok := LookupRequirement(id)
		if !ok {
			fmt.Fprintf(&b, "- %s: not in the requirement catalog.\n", id)
			continue
		}
		eds := make([]string, len(r.Editions))
		for i, e := range r.Editions {
			eds[i] = e.String()
		}
		fmt.Fprintf(&b, "- %s (%s, %s): %s.\n", id, r.Level, strings.Join(eds, ", "), strings.ReplaceAll(r.Text, "|", `\|`))
	}
	return b.String()
}
