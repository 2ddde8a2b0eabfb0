package extdevice

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMissingState: a ready or effects reply without its status or digest
// is named by what it lacks, so that a device author knows which key to
// add.
func TestMissingState(t *testing.T) {
	tests := []struct {
		line string
		want string
	}{
		{`{"id":3,"op":"effects","status":{"mode":0},"digest":"0x1"}`, ""},
		{`{"id":3,"op":"effects","status":{},"digest":"0x0"}`, ""},
		{`{"id":3,"op":"effects","digest":"0x1"}`, "status"},
		{`{"id":3,"op":"effects","status":null,"digest":"0x1"}`, "status"},
		{`{"id":2,"op":"ready","status":{"mode":0}}`, "digest"},
		{`{"id":3,"op":"effects"}`, "status and digest"},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			m, err := DecodeMessage([]byte(tc.line))
			require.NoError(t, err)
			assert.Equal(t, tc.want, missingState(m))
		})
	}
}
