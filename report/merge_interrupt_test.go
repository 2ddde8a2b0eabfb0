package report

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// MergeShardFiles stops reading when its context ends (merge's SIGINT or
// SIGTERM while it reads): an error that wraps the context's and says how
// many summaries it read, and no report.
func TestMergeShardFiles_StopsWhenInterrupted(t *testing.T) {
	files := []string{
		filepath.Join(shardTestdata, "test-smoke_draft-2023.shard-0-of-2.summary.json"),
		filepath.Join(shardTestdata, "test-smoke_draft-2023.shard-1-of-2.summary.json"),
	}
	rep, _, err := MergeShardFiles(context.Background(), files, MergeOptions{})
	require.NoError(t, err, "the summaries merge when not interrupted")
	require.NotNil(t, rep)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, name, err := MergeShardFiles(ctx, files, MergeOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "interrupted after reading 0 of 2 shard summaries: context canceled", err.Error())
	assert.Nil(t, rep)
	assert.Empty(t, name)
}
