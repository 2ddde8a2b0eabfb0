package owner

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/spec"
)

// AdminOutcome.Result is what the queue wrote: the encoded result cut or
// zero-padded to the used length.
func TestWrittenResult(t *testing.T) {
	r := adminq.Result{Status: spec.StatusEINVAL, Qualifier: spec.QInvalidField, Data: []byte{1, 2, 3}}
	enc := r.Encode()
	tests := []struct {
		name string
		used uint32
		want []byte
	}{
		{"as encoded", uint32(len(enc)), enc},
		{"clipped to the buffer", 8, enc[:8]},
		{"padded to 8 bytes", 16, append(append([]byte{}, enc...), 0, 0, 0, 0, 0)},
		{"nothing written", 0, []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, writtenResult(r, tt.used))
		})
	}
}
