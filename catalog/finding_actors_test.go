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
			sc, res := replayed(t, filepath.Join(regressDir, name))
			require.NotNil(t, res.Finding)
			require.Contains(t, res.Finding.Message, `peer p2p can tell the guest moved: entry `)
			require.Contains(t, res.Finding.Message, ` of the guest log is "p2p: read `)
			assert.Equal(t, res.Finding.Message, sc.Finding.Message, "the regression file records the message")
			assert.Equal(t, []string{"vcpu0", "p2p", "hv"}, res.Finding.Actors)
			require.NotNil(t, sc.Finding)
			assert.Equal(t, res.Finding.Actors, sc.Finding.Actors, "the regression file records the actors")
		})
	}
}

// TestSliceActors: the actors of a finding's causal slice are the actors
// (not devices or bus lanes) with a step the finding depends on: its own
// step's actor, earlier steps of the same actor, and steps whose
// footprints conflict with one in the slice, in the order of their first
// step there.
func TestSliceActors(t *testing.T) {
	r := engine.ResourceID(1, 0, 0)
	other := engine.ResourceID(2, 0, 0)
	isActor := func(id int) bool { return id < 4 }
	name := func(id int) string { return []string{"vcpu0", "hv", "p2p", "fault", "", "src.vf1"}[id] }
	step := func(actor int, fp engine.Footprint) engine.Choice {
		return engine.Choice{Actor: actor, Label: name(actor) + ":step", Footprint: fp}
	}
	cases := []struct {
		name    string
		choices []engine.Choice
		finding *engine.Finding
		want    []string
	}{
		{"no finding", []engine.Choice{step(0, engine.Footprint{})}, nil, nil},
		{"the finding's actor alone", []engine.Choice{step(2, engine.Writes(other)), step(0, engine.Reads(r)), step(0, engine.Reads(r))},
			&engine.Finding{Step: 2}, []string{"vcpu0"}},
		{"a peer's write the finding's step reads", []engine.Choice{step(2, engine.Writes(r)), step(1, engine.Writes(other)), step(0, engine.Reads(r))},
			&engine.Finding{Step: 2}, []string{"p2p", "vcpu0"}},
		{"through a device's step: the device is not named", []engine.Choice{step(2, engine.Writes(other)), step(5, engine.NewFootprint([]engine.Resource{other}, []engine.Resource{r})), step(0, engine.Reads(r))},
			&engine.Finding{Step: 2}, []string{"p2p", "vcpu0"}},
		{"a later step is not a cause", []engine.Choice{step(0, engine.Reads(r)), step(2, engine.Writes(r))},
			&engine.Finding{Step: 0}, []string{"vcpu0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := engine.Result{Choices: c.choices, Finding: c.finding}
			assert.Equal(t, c.want, SliceActors(res, isActor, name))
		})
	}
}

// TestFindingActorsNameTheSlice: a catalog counterexample's finding names
// the actors its oracle named first, then every actor with a step in its
// causal slice: the peer whose kick the explanation of
// vm-p2p-doorbells-no-stop names, the fault injector of an FLR, the wire
// of a link change; and the regression files record them so.
func TestFindingActorsNameTheSlice(t *testing.T) {
	cases := []struct {
		file        string
		first, also []string
	}{
		{"vm-p2p-doorbells-no-stop_draft-2023.json", []string{"vcpu0", "vcpu1", "hv"}, []string{"dma1"}},
		{"peer-kick-frozen-no-stop_draft-2023.json", []string{"vcpu0", "hv"}, []string{"p2p"}},
		{"pf-flr-with-admin-outstanding_virtio-1.4.json", []string{"hv"}, []string{"fault"}},
		{"net-link-down-while-stopped_draft-2023.json", []string{"vcpu0", "hv"}, []string{"wire"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			recorded, derived := annotatedRegress(t, filepath.Join(regressDir, c.file))
			require.GreaterOrEqual(t, len(derived.Actors), len(c.first))
			assert.Equal(t, c.first, derived.Actors[:len(c.first)], "the oracle's actors first")
			assert.Subset(t, derived.Actors, c.also)
			assert.Equal(t, recorded.Actors, derived.Actors, "the regression file records them")
		})
	}
}
