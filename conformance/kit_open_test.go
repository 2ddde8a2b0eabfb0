package conformance_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// openFails is a device whose Open fails without breaking the protocol
// (a Go device that cannot build its instances).
type openFails struct{}

func (openFails) Name() string { return "go:open-fails" }

func (openFails) Open() (member.Factory, func() error, error) {
	return nil, nil, errors.New("no backing store")
}

func (openFails) Declares() ([]spec.Edition, map[string][]string, error) {
	return []spec.Edition{spec.Draft2023, spec.Virtio14}, nil, nil
}

// TestDeviceThatCannotBeOpened: a device the kit cannot open fails the
// unit it was opened for and stops the kit, and charges no requirement:
// nothing of the unit was judged, so no requirement reads Fail; the
// failure is listed among those that charge none, with why.
func TestDeviceThatCannotBeOpened(t *testing.T) {
	for _, parts := range []struct {
		name         string
		device, rows bool
	}{{"device tests", true, false}, {"rows", false, true}} {
		t.Run(parts.name, func(t *testing.T) {
			rep := conformance.RunDevice(conformance.NewRecorder("kit"), openFails{}, conformance.Short(),
				conformance.Parts(parts.device, parts.rows), conformance.Scenarios("smoke-migrate"),
				conformance.ReplayDir(t.TempDir()))
			require.NotNil(t, rep)
			assert.Empty(t, rep.FailedRequirements(), "nothing was judged")
			require.Len(t, rep.Uncharged, 1, "the unit the device could not be opened for")
			f := rep.Uncharged[0]
			assert.Equal(t, "device", f.Check)
			assert.Empty(t, f.Requirements)
			assert.Contains(t, f.Message, "no backing store")
			assert.Equal(t, "the device could not be opened: nothing of the unit was judged", f.Uncharged)
		})
	}
}
