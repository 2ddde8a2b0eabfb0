package vocab

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
)

// TestCheckGuestVFs: two guests that run together on one VF are refused at
// the later one's vf= (or name), naming the earlier one's line; guests on
// their own VFs, and blocks of different editions, are not.
func TestCheckGuestVFs(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // the problems, in file order; none: accepted
	}{
		{"one guest a VF", "vfs 2\nguest a vf=1\n  probe\nguest b vf=2\n  probe\n", nil},
		{"the default VF and vf=1", "vfs 2\nguest a\n  probe\nguest b vf=1\n  probe\n",
			[]string{"g.scn:5:9: guest b: VF 1 has a driver already, guest a's (line 3): one driver binds a VF, give each guest its own vf= (blocks for different editions may share one)"}},
		{"both default", "vfs 1\nguest a\n  probe\nguest b\n  probe\n",
			[]string{"g.scn:5:7: guest b: VF 1 has a driver already, guest a's (line 3)"}},
		{"a third names the first", "vfs 3\nguest a vf=2\n  probe\nguest b vf=2\n  probe\nguest c vf=2\n  probe\n",
			[]string{"g.scn:5:9: guest b: VF 2 has a driver already, guest a's (line 3)", "g.scn:7:9: guest c: VF 2 has a driver already, guest a's (line 3)"}},
		{"different net drivers alike", "vfs 1\nqueues 3\nset vf-device=net\nguest a driver=net\n  probe\nguest b driver=net\n  probe\n",
			[]string{"g.scn:7:7: guest b: VF 1 has a driver already, guest a's (line 5)"}},
		{"different editions share a VF", "vfs 1\nguest a edition=draft-2023\n  probe\nguest b edition=virtio-1.4\n  probe\n", nil},
		{"an edition's block and one of every edition", "vfs 1\nguest a edition=virtio-1.4\n  probe\nguest b\n  probe\n",
			[]string{"g.scn:5:7: guest b: VF 1 has a driver already, guest a's (line 3)"}},
		{"the same edition", "vfs 1\nguest a\n  probe\nguest b edition=draft-2023\n  probe\nguest c edition=draft-2023\n  probe\n",
			[]string{"g.scn:5:7: guest b: VF 1 has a driver already, guest a's (line 3)", "g.scn:7:7: guest c: VF 1 has a driver already, guest a's (line 3)"}},
		{"a peer on the guest's VF is no driver", "vfs 2\nguest a vf=1\n  probe\npeer p vf=1\n  kick vf=2\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.ParseScenario("g.scn", []byte("scenario g\n"+tc.src))
			require.NoError(t, err)
			err = CheckGuestVFs(s)
			if tc.want == nil {
				assert.NoError(t, err)
				assert.NoError(t, CheckVM(s), "CheckVM checks it")
				return
			}
			var ce *scenario.CheckError
			require.ErrorAs(t, err, &ce)
			require.Len(t, ce.Problems, len(tc.want))
			for i, w := range tc.want {
				assert.Contains(t, ce.Problems[i].Error(), w)
			}
			assert.Equal(t, err, CheckVM(s), "CheckVM refuses it")
		})
	}
}
