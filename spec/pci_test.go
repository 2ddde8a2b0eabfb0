package spec

import "testing"

// TestLookupCommonCfgField checks the indexed lookup against a search of
// CommonCfgFields at every offset, inside the structure and past it.
func TestLookupCommonCfgField(t *testing.T) {
	for off := uint32(0); off < 2*CommonCfgSize; off++ {
		var want CommonCfgFieldInfo
		wantOK := false
		for _, f := range CommonCfgFields {
			if uint32(f.Field) == off {
				want, wantOK = f, true
			}
		}
		got, ok := LookupCommonCfgField(off)
		if ok != wantOK || got != want {
			t.Errorf("LookupCommonCfgField(%d) = %+v, %v; want %+v, %v", off, got, ok, want, wantOK)
		}
	}
	if f, ok := LookupCommonCfgField(uint32(CfgQueueDescLo)); !ok || f.Name != "queue_desc_lo" || f.Half != "lo" {
		t.Errorf("queue_desc_lo: got %+v, %v", f, ok)
	}
}
