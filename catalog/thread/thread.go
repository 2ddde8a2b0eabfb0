// Package thread holds the claims of the seed thread, the October 2023
// virtio-comment discussion of device migration behind the catalog's
// questions, each with the catalog rows that judge it, and renders them
// as docs/thread.md (Doc).
package thread

import (
	"fmt"
	"strings"
)

// DocPath is where the rendered claim table of the seed thread
// lives, relative to the module root.
const DocPath = "docs/thread.md"

// File is the seed thread as the claims cite it, relative to this
// package (a byte-for-byte copy of the mailing-list page).
const File = "testdata/seed-thread.txt"

// The thread's participants, and the sides a claim can get.
const (
	WhoParav   = "Parav Pandit"
	WhoJason   = "Jason Wang"
	WhoMichael = "Michael S. Tsirkin"
	// SideNeither: the rows show each side right about part of it.
	SideNeither = "neither"
	// SideOpen: no row judges the claim yet (every row is Pending).
	SideOpen = "no row yet"
)

// Claim is one claim of the seed thread.
type Claim struct {
	// Line is the claim's line in File (1-based); Quote a substring
	// of that line.
	Line  int
	Quote string
	// Who argued it (WhoParav, WhoJason, WhoMichael): the author of the
	// message the quote's depth of "> " marks belongs to.
	Who string
	// Claim says what was argued, in a sentence.
	Claim string
	// Rows are the catalog rows that judge it, and the rows still to come.
	Rows []ClaimRow
	// Side is whom migsim sides with (a participant, SideNeither or
	// SideOpen), Why the reason the rows give.
	Side, Why string
}

// ClaimRow is one catalog row (scenario, edition, knobs as the expect line
// writes them) with the verdict it expects, or a row still to come.
type ClaimRow struct {
	Scenario string
	Edition  string
	// Knobs are the row's knobs and `set:` settings, space-separated, as
	// the expect line writes them ("" for the defaults).
	Knobs   string
	Verdict string
	// Pending names a row that does not exist yet; the other fields are
	// then empty. The lead fills it in once the row is in the catalog.
	Pending string
}

// Claims returns the claims of the seed thread (a copy).
func Claims() []Claim {
	out := make([]Claim, len(seedClaims))
	for i, c := range seedClaims {
		c.Rows = append([]ClaimRow(nil), c.Rows...)
		out[i] = c
	}
	return out
}

// Judged reports whether at least one existing row judges the claim.
func (c Claim) Judged() bool {
	for _, r := range c.Rows {
		if r.Pending == "" {
			return true
		}
	}
	return false
}

// Doc renders docs/thread.md from the claims.
func Doc(claims []Claim) string {
	var b strings.Builder
	judged, pending := 0, 0
	for _, c := range claims {
		if c.Judged() {
			judged++
		}
		for _, r := range c.Rows {
			if r.Pending != "" {
				pending++
			}
		}
	}
	b.WriteString(docIntro)
	fmt.Fprintf(&b, "%d claims: %d judged by at least one row, %d without a row; %d rows still to come.\n\n",
		len(claims), judged, len(claims)-judged, pending)
	var sides []string
	for _, side := range []string{WhoParav, WhoJason, WhoMichael, SideNeither, SideOpen} {
		n := 0
		for _, c := range claims {
			if c.Side == side {
				n++
			}
		}
		sides = append(sides, fmt.Sprintf("%s %d", side, n))
	}
	fmt.Fprintf(&b, "The rows side with: %s.\n\n", strings.Join(sides, ", "))
	b.WriteString("| # | line | who | claim | rows (scenario edition knobs: verdict) | migsim sides with |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for i, c := range claims {
		var rows []string
		for _, r := range c.Rows {
			rows = append(rows, r.text())
		}
		fmt.Fprintf(&b, "| %d | %d | %s | %s — “%s” | %s | **%s**: %s |\n", i+1, c.Line, c.Who, cell(c.Claim),
			cell(strings.TrimSpace(c.Quote)), strings.Join(rows, "<br>"), c.Side, cell(c.Why))
	}
	return b.String()
}

func (r ClaimRow) text() string {
	if r.Pending != "" {
		return "*no row yet*: " + cell(r.Pending)
	}
	knobs := ""
	if r.Knobs != "" {
		knobs = " `" + r.Knobs + "`"
	}
	return fmt.Sprintf("[%s](questions.md#%s) %s%s: %s", r.Scenario, r.Scenario, r.Edition, knobs, r.Verdict)
}

const docIntro = `# The seed thread, claim by claim

<!-- Generated from catalog/thread/claims.go by Doc (catalog/thread/thread.go).
     Do not edit: change the claims, then run
     go test ./catalog/thread -run TestDoc -rewrite -->

The seed thread is the October 2023 virtio-comment discussion of the patch "admin: Add theory of
operation for device migration" between Parav Pandit (the author), Jason Wang and Michael S.
Tsirkin. Each claim below is quoted from its line in the thread file (the test copy is
` + "`catalog/thread/" + File + "`" + `), with who argued it (the depth of its ` + "`>`" + ` quoting
says whose message it is), the catalog rows that judge it with the verdict each expects
(docs/questions.md explains the rows) and whom the rows side with. A test keeps this table in
sync: every quote is on its line, every author matches the quoting depth, every row exists in the
catalog with the verdict stated. A claim whose judge is still to be written lists it as *no row
yet*; the test counts those. To fill one in, replace its Pending row in catalog/thread/claims.go
by the row's scenario, edition, knobs and verdict, say whom the rows side with, and rerun the
command above.

`

// cell keeps free text from breaking a Markdown table row.
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}
