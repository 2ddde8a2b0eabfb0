package catalog

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// TestTransparentNamesThePeerWhoseReadDiffers: a peer's read is part of
// what the guest can tell; when the entry that differs is the peer's, the
// finding names the peer among its actors (and its regression file records
// them so).
func TestTransparentNamesThePeerWhoseReadDiffers(t *testing.T) {
	for _, name := range []string{"peer-devcfg-write-quiesced_draft-2023.json", "peer-mmio-writes-stopped_virtio-1.4.json"} {
		t.Run(name, func(t *testing.T) {
			sc, err := ReadScheduleFile(filepath.Join(regressDir, name))
			require.NoError(t, err)
			res, err := ReplaySchedule(sc, engine.RunConfig{})
			require.NoError(t, err)
			require.NotNil(t, res.Finding)
			require.Contains(t, res.Finding.Message, `of its log is "p2p: read `)
			assert.Equal(t, []string{"vcpu0", "p2p", "hv"}, res.Finding.Actors)
			require.NotNil(t, sc.Finding)
			assert.Equal(t, res.Finding.Actors, sc.Finding.Actors, "the regression file records the actors")
		})
	}
}
