package pcie

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTLPKindString pins the kind names traces print (trace hashes include
// them) and the fallback of a kind migsim does not define.
func TestTLPKindString(t *testing.T) {
	var got []string
	for k := CfgRead; k <= Completion; k++ {
		got = append(got, k.String())
	}
	assert.Equal(t, []string{"CfgRd", "CfgWr", "MRd", "MWr", "MSI-X", "Cpl"}, got)
	assert.Equal(t, "TLP_0", TLPKind(0).String())
	assert.Equal(t, "TLP_7", TLPKind(7).String())
}
