package spec

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mergedIDs is every requirement ID of the merged text, in catalog order
// (docs/spec.md, "Requirement IDs": the numbers never change).
var mergedIDs = []string{
	"ADM-DEV-01", "ADM-DEV-02", "ADM-DEV-03", "ADM-DEV-04", "ADM-DEV-05",
	"ADM-DEV-06", "ADM-DEV-07", "ADM-DEV-08", "ADM-DEV-09", "ADM-DEV-10",
	"AVQ-DEV-01", "AVQ-DEV-02", "AVQ-DEV-03", "AVQ-DEV-04", "AVQ-DEV-05",
	"ADM-DRV-01", "ADM-DRV-02", "ADM-DRV-03", "ADM-DRV-04", "ADM-DRV-05",
	"AVQ-DRV-01", "AVQ-DRV-02", "AVQ-DRV-03", "AVQ-DRV-04",
	"PCI-DEV-01", "PCI-DRV-01", "PCI-DEV-02", "PCI-DEV-03", "PCI-DEV-04", "PCI-DEV-05", "PCI-DEV-06", "PCI-DEV-07", "PCI-DEV-08",
	"CAP-DEV-01", "CAP-DEV-02", "CAP-DEV-03", "CAP-DEV-04", "CAP-DRV-01",
	"RES-DEV-01", "RES-DEV-02", "RES-DEV-03", "RES-DRV-01",
	"DP-DEV-01", "DP-DEV-02", "DP-DEV-03", "DP-DEV-04", "DP-DEV-05",
	"DP-DEV-06", "DP-DEV-07", "DP-DEV-08", "DP-DEV-09", "DP-DEV-10",
	"DP-DEV-11", "DP-DEV-12", "DP-DEV-13", "DP-DEV-14", "DP-DEV-15",
	"DP-DRV-01", "DP-DRV-02", "DP-DRV-03", "DP-DRV-04",
	"SUS-DRV-01", "SUS-DEV-01",
}

// netIDs are the network device's requirement IDs, in catalog order after
// the draft ones.
var netIDs = []string{
	"NET-DEV-01", "NET-DEV-02", "NET-DEV-03", "NET-DEV-04", "NET-DEV-05",
	"NET-DEV-06", "NET-DEV-07", "NET-DEV-08", "NET-DEV-09", "NET-DEV-10",
	"NET-DRV-01", "NET-DRV-02", "NET-DRV-03", "NET-DRV-04",
	"NET-PART-01", "NET-PART-02", "NET-PART-03",
}

// seedDraftIDs are the draft-2023 requirements the seed questions need,
// plus the ones migsim's definition of the draft adds.
var seedDraftIDs = []string{
	"DRAFT-STOP-01", "DRAFT-STOP-02", "DRAFT-STOP-03",
	"DRAFT-FRZ-01", "DRAFT-FRZ-02", "DRAFT-FRZ-03",
	"DRAFT-CTX-01", "DRAFT-CTX-02", "DRAFT-CTX-03", "DRAFT-CTX-07", "DRAFT-CTX-09",
	"DRAFT-PCI-01", "DRAFT-MODE-02", "DRAFT-FLR-01", "DRAFT-SYNC-01",
}

func TestRequirementsCatalogWellFormed(t *testing.T) {
	idPattern := regexp.MustCompile(`^[A-Z]+(-[A-Z]+)?-[0-9]{2}$`)
	seen := map[string]bool{}
	reqs := Requirements()
	require.NotEmpty(t, reqs)
	for i, r := range reqs {
		assert.Regexp(t, idPattern, r.ID, "index %d", i)
		assert.False(t, seen[r.ID], "duplicate ID %s", r.ID)
		seen[r.ID] = true
		assert.NotEmpty(t, r.Editions, "%s has no edition", r.ID)
		for _, e := range r.Editions {
			assert.Contains(t, Editions, e, "%s: unknown edition", r.ID)
		}
		assert.Contains(t, []string{LevelMust, LevelShould, LevelMay}, r.Level, "%s level", r.ID)
		assert.Contains(t, []string{SideDevice, SideDriver}, r.Side, "%s side", r.ID)
		assert.NotEmpty(t, strings.TrimSpace(r.Text), "%s text", r.ID)
		assert.NotContains(t, r.Text, "\n", "%s text is one line", r.ID)
		assert.NotEmpty(t, strings.TrimSpace(r.Source), "%s source", r.ID)
		if strings.Contains(r.ID, "-DEV-") {
			assert.Equal(t, SideDevice, r.Side, "%s", r.ID)
		}
		if strings.Contains(r.ID, "-DRV-") {
			assert.Equal(t, SideDriver, r.Side, "%s", r.ID)
		}
	}
}

func TestRequirementsEveryMergedIDPresent(t *testing.T) {
	require.Len(t, mergedIDs, 63)
	var catalogIDs []string
	for _, r := range Requirements() {
		if !strings.HasPrefix(r.ID, "DRAFT-") {
			catalogIDs = append(catalogIDs, r.ID)
		}
	}
	assert.Equal(t, append(append([]string{}, mergedIDs...), netIDs...), catalogIDs,
		"every merged-text ID, in catalog order, then the network device's, and no other non-draft ID")
}

func TestRequirementsEditions(t *testing.T) {
	both := regexp.MustCompile(`^(ADM|AVQ|PCI)-`)
	only14 := regexp.MustCompile(`^(CAP|RES|DP|SUS)-`)
	for _, r := range Requirements() {
		switch {
		case both.MatchString(r.ID):
			assert.Equal(t, []Edition{Draft2023, Virtio14}, r.Editions, "%s", r.ID)
		case only14.MatchString(r.ID):
			assert.Equal(t, []Edition{Virtio14}, r.Editions, "%s", r.ID)
		case strings.HasPrefix(r.ID, "DRAFT-"):
			assert.Equal(t, []Edition{Draft2023}, r.Editions, "%s", r.ID)
		case strings.HasPrefix(r.ID, "NET-PART-"):
			assert.Equal(t, []Edition{Virtio14}, r.Editions, "%s: device parts are virtio-1.4's", r.ID)
		case strings.HasPrefix(r.ID, "NET-"):
			assert.Equal(t, []Edition{Draft2023, Virtio14}, r.Editions, "%s: the network device is the same in both", r.ID)
		default:
			t.Errorf("%s: no edition rule for this prefix", r.ID)
		}
	}
}

func TestRequirementsDraftIDsPresent(t *testing.T) {
	for _, id := range seedDraftIDs {
		r, ok := LookupRequirement(id)
		require.True(t, ok, "%s missing", id)
		assert.Equal(t, []Edition{Draft2023}, r.Editions, "%s", id)
		assert.True(t, r.AppliesTo(Draft2023), "%s", id)
		assert.False(t, r.AppliesTo(Virtio14), "%s", id)
	}
}

func TestRequirementsFor(t *testing.T) {
	all := Requirements()
	total := 0
	for _, e := range Editions {
		got := RequirementsFor(e)
		require.NotEmpty(t, got, "%s", e)
		// Same order as the catalog, filtered.
		var want []Requirement
		for _, r := range all {
			if r.AppliesTo(e) {
				want = append(want, r)
			}
		}
		assert.Equal(t, want, got, "%s", e)
		total += len(got)
	}
	shared := 0
	for _, r := range all {
		if len(r.Editions) == 2 {
			shared++
		}
	}
	assert.Equal(t, len(all)+shared, total, "every requirement is in each of its editions' lists")
	assert.Empty(t, RequirementsFor(Edition(0)))
}

func TestRequirementsLookup(t *testing.T) {
	r, ok := LookupRequirement("DP-DEV-13")
	require.True(t, ok)
	assert.Equal(t, "DP-DEV-13", r.ID)
	assert.Equal(t, LevelMust, r.Level)
	_, ok = LookupRequirement("DP-DEV-99")
	assert.False(t, ok)
	_, ok = LookupRequirement("")
	assert.False(t, ok)
}

func TestRequirementsAreCopies(t *testing.T) {
	a := Requirements()
	a[0].Editions[0] = Edition(9)
	a[0].Text = "changed"
	b, ok := LookupRequirement(a[0].ID)
	require.True(t, ok)
	assert.Equal(t, Draft2023, b.Editions[0])
	assert.NotEqual(t, "changed", b.Text)
}
