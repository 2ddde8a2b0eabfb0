package catalog

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
)

// TestEmbeddedPath_OneForm: an embedded scenario's path is
// catalog/scenarios/NAME.scn wherever a user sees it: in a finding's
// file:line, in the message a regression schedule recorded before the
// path had that form (read as the new form), and in the replay of that
// schedule. testdata/oldform holds two catalog counterexamples as they
// were written then.
func TestEmbeddedPath_OneForm(t *testing.T) {
	tests := []struct {
		file, recorded, want string
	}{
		// Committed with the old form, scenarios/compat-corrupt-load.scn:39.
		{"compat-corrupt-load_draft-2023.json", "scenarios/compat-corrupt-load.scn:39: ", "catalog/scenarios/compat-corrupt-load.scn:39: "},
		{"vm-load-fails-rollback_draft-2023.json", "scenarios/vm-load-fails-rollback.scn:", "catalog/scenarios/vm-load-fails-rollback.scn:"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join("testdata", "oldform", tc.file)
			raw, err := schedfile.ReadFile(p) // as stored
			require.NoError(t, err)
			require.NotNil(t, raw.Finding)
			require.True(t, strings.HasPrefix(raw.Finding.Message, tc.recorded), "the committed file records the old form: %s", raw.Finding.Message)
			sc, err := ReadScheduleFile(p)
			require.NoError(t, err)
			require.NotNil(t, sc.Finding)
			assert.True(t, strings.HasPrefix(sc.Finding.Message, tc.want), "read as the new form: %s", sc.Finding.Message)
			res, err := ReplaySchedule(sc, engine.RunConfig{})
			require.NoError(t, err)
			require.NotNil(t, res.Finding)
			assert.True(t, strings.HasPrefix(res.Finding.Message, tc.want), "the replay's finding names the same path: %s", res.Finding.Message)
			// The rest of the recorded message may read otherwise: the
			// file records the Go packages the error passed through
			// ("devctx: "), which a finding no longer names.
			assert.Equal(t, strings.ReplaceAll(sc.Finding.Message, "devctx: ", ""), res.Finding.Message)
		})
	}
}
