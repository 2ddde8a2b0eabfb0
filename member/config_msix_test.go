package member

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/pcie"
)

// MSIXTableSize is the size of the table a member built for the
// configuration has (its MSI-X table and its capability's Table Size are
// made from it), and the size an external device's is judged by.
func TestConfigMSIXTableSize(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Config
		want int
	}{
		{"defaults", Config{}, DefaultNumQueues + 1},
		{"queues", Config{NumQueues: 3}, 4},
		{"vectors", Config{NumQueues: 3, MSIXVectors: 2}, 2},
		{"past BAR0", Config{MSIXVectors: 1 << 20}, pcie.MaxMSIXVectors},
		{"queues past BAR0", Config{NumQueues: 0xffff}, pcie.MaxMSIXVectors},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.c.MSIXTableSize())
		})
	}
}
