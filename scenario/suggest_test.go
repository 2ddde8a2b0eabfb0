package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Suggest names the nearest option for a typo, nothing for a word too far
// from every option, and of equally near options the one that shares the
// longest prefix with the word, then the first listed.
func TestSuggest(t *testing.T) {
	for _, tc := range []struct {
		got     string
		options []string
		want    string
	}{
		{"of", []string{"on", "off"}, "off"},   // a cut-short "off", not a mistyped "on"
		{"onn", []string{"on", "off"}, "on"},   // nearer
		{"pct", []string{"pct", "random"}, ""}, // an exact match needs no suggestion
		{"randon", []string{"pct", "random"}, "random"},
		{"xyz", []string{"on", "off"}, ""},           // too far
		{"Fals", []string{"true", "false"}, "false"}, // case ignored
		{"ab", []string{"ac", "ad"}, "ac"},           // a tie with equal prefixes: the first listed
		// The option that differs in case alone is the nearest, not one a
		// letter away once case is ignored.
		{"einval/invalid_field", []string{"ENXIO/INVALID_FIELD", "EINVAL/INVALID_FIELD"}, "EINVAL/INVALID_FIELD"},
		{"Pct", []string{"pct", "random"}, "pct"},
	} {
		assert.Equal(t, tc.want, Suggest(tc.got, tc.options), "%q among %v", tc.got, tc.options)
	}
}

// stemOf names the one option that shares a word's stem (another
// edition's spelling of a mode), and none when two do or the stem is
// shorter than 3 bytes.
func TestStemOf(t *testing.T) {
	for _, tc := range []struct {
		got     string
		options []string
		want    string
	}{
		{"stop", []string{"running", "stopped"}, "stopped"},
		{"run", []string{"running", "stopped"}, "running"},
		{"stopped", []string{"active", "stop", "freeze"}, "stop"},
		{"Stop", []string{"running", "stopped"}, "stopped"},
		{"active", []string{"running", "stopped"}, ""},
		{"st", []string{"running", "stopped"}, ""},
		{"ru", []string{"run", "running"}, ""},
		{"run", []string{"running", "runner"}, ""},
		{"stop", []string{"stop", "stopped"}, "stopped"},
	} {
		assert.Equal(t, tc.want, stemOf(tc.got, tc.options), "%q among %v", tc.got, tc.options)
	}
}
