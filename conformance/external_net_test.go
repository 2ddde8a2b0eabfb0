package conformance_test

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// extnetInfo is what examples/extnet declares in its hello.
var extnetInfo = extdevice.Info{Name: "extnet (the reference virtio-net)", Editions: spec.Editions, Knobs: extdevice.AllKnobs(),
	Type: extdevice.TypeNet}

// serveNet serves the virtio-net devices f builds as examples/extnet
// serves the reference.
func serveNet(f member.Factory) func(io.Reader, io.Writer) error {
	return func(r io.Reader, w io.Writer) error { return extdevice.Serve(r, w, f, extnetInfo) }
}

// netExecScenarios are the virtio-net rows the process (examples/extnet)
// runs in TestExternalNetMatchesBuiltin: the MAC table and announce over a
// migration (cmd/migsim's TestConform_ExecExtnetSameTableAsBuiltin runs the
// process on frames held while stopped, net-rx-while-stopped).
var netExecScenarios = []string{"net-mac-table-before-stop"}

// TestExternalNetMatchesBuiltin: the reference virtio-net through the
// device protocol — its frames, link state and announce requests through
// the kit's proxy of its port — gives the same verdict for every unit as
// the in-process device (builtin:net), with the same explorations and
// reasons and the same requirement verdicts: served in-process for every
// unit, and as a process (examples/extnet) for netExecScenarios.
func TestExternalNetMatchesBuiltin(t *testing.T) {
	b := conformance.ShortBudget
	b.NoStatePruning = true
	opts := []conformance.Option{conformance.WithBudget(b), conformance.ReplayDir(t.TempDir())}
	ref := conformance.NetFactoryDevice("builtin:net", membernet.New)
	t.Run("served, every unit", func(t *testing.T) {
		got := matchDevice(t, ref, conformance.ServedDevice("extnet", serveNet(membernet.New), extdevice.Options{}), opts)
		judged := 0
		devices := 0
		for _, u := range got.Units {
			switch {
			case u.Verdict == "pass" && u.Kind == "row":
				judged++
				assert.NotEmpty(t, u.Explored, u.Name)
			case u.Verdict == "pass":
				devices++
			}
		}
		assert.GreaterOrEqual(t, judged, 20, "the virtio-net rows ran")
		assert.GreaterOrEqual(t, devices, 90, "the device tests that need no virtio-blk request ran")
	})
	t.Run("process", func(t *testing.T) {
		ext := conformance.ExecDevice([]string{extnet(t)}, extdevice.Options{})
		got := matchDevice(t, ref, ext, append(slices.Clip(opts), conformance.Scenarios(netExecScenarios...)))
		u, ok := got.Unit("net-mac-table-before-stop/virtio-1.4")
		require.True(t, ok)
		assert.Equal(t, "pass", u.Verdict)
	})
}

// TestExternalNetMutants: every virtio-net mutant served through the
// device protocol fails exactly what it fails in-process, unit by unit,
// and fails something. The served device is compared on every scenario
// whose rows the mutant fails in-process (on the device tests for a
// mutant no row catches) (each of their editions and
// knobs, passing or not); that the protocol changes nothing on the other
// rows is what TestExternalNetMatchesBuiltin shows for the device the
// mutants wrap.
func TestExternalNetMutants(t *testing.T) {
	b := conformance.ShortBudget
	b.NoStatePruning = true
	for _, m := range mutants.All() {
		if m.Device != mutants.DeviceNet {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			opts := []conformance.Option{conformance.WithBudget(b), conformance.ReplayDir(t.TempDir())}
			ref := conformance.NetFactoryDevice("builtin:mutant/"+m.Name, m.Factory(membernet.New))
			whole, err := conformance.Check(ref, opts...)
			require.NoError(t, err)
			failing := failingScenarios(whole)
			devFailed := slices.ContainsFunc(whole.Units, func(u *conformance.Unit) bool { return u.Kind == "device-test" && u.Verdict == "fail" })
			require.True(t, len(failing) > 0 || devFailed, "the mutant fails a row or a device test in-process")
			if len(failing) > 0 {
				t.Logf("served on %s", strings.Join(failing, ", "))
				opts = append(opts, conformance.Scenarios(failing...))
			} else { // a bug only the device tests catch
				t.Logf("served on the device tests")
				opts = append(opts, conformance.Parts(true, false))
			}
			got := matchDevice(t, ref, conformance.ServedDevice(m.Name, serveNet(m.Factory(membernet.New)), extdevice.Options{}), opts)
			assert.NotEmpty(t, got.FailedRequirements(), "the mutant is caught through the protocol")
		})
	}
}

// failingScenarios returns the scenarios of the rows r fails, sorted and
// each once.
func failingScenarios(r *conformance.Report) []string {
	var out []string
	for _, u := range r.Units {
		if u.Kind != "row" || u.Verdict != "fail" {
			continue
		}
		name, _, _ := strings.Cut(u.Name, "/")
		out = append(out, name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestExternalNetDeviceThatLosesFrames: a virtio-net device that runs on
// a port of its own instead of the one the protocol carries (frames that
// reach it and frames it sends never cross the pipe) fails the virtio-net
// row already in its run without migration, on the wire oracle: the kit
// counts no frame as handled or sent for it.
func TestExternalNetDeviceThatLosesFrames(t *testing.T) {
	deaf := func(c member.Config) member.Device {
		c.Backing = nil // membernet.New makes it a link and port of its own
		return membernet.New(c)
	}
	rep, err := conformance.Check(conformance.ServedDevice("deaf", serveNet(deaf), extdevice.Options{}),
		conformance.WithBudget(conformance.ShortBudget), conformance.ReplayDir(t.TempDir()),
		conformance.Scenarios("net-rx-while-stopped"))
	require.NoError(t, err)
	u, ok := rep.Unit("net-rx-while-stopped/virtio-1.4")
	require.True(t, ok)
	require.Equal(t, "fail", u.Verdict)
	require.NotEmpty(t, u.Failures)
	f := u.Failures[0]
	assert.Equal(t, "reference", f.Oracle, f.Message)
	assert.Contains(t, f.Message, "in the run without migration (wire)")
	assert.Contains(t, f.Message, "the wire never carried it")
}

// TestExternalNetControlQueue: the device tests of the control queue run
// through the device protocol as in-process — the device built with
// num_queues 3, its control commands through guest memory, the frames
// that show its MAC table through the kit's proxy of its port — and
// judge the same: the reference virtio-net passes them, and the two
// mutants of its MAC table fail them on the same requirements.
func TestExternalNetControlQueue(t *testing.T) {
	units := []string{
		"NET-DEV-06/draft-2023/net-ctrl-mac-table", "NET-DEV-06/virtio-1.4/net-ctrl-mac-table",
		"DRAFT-CTX-09/draft-2023/net-mac-table-round-trip", "NET-PART-02/virtio-1.4/net-mac-table-round-trip",
	}
	for _, tc := range []struct {
		name string
		f    member.Factory
		want map[string]string // unit: verdict
		fail []string
	}{
		{"reference", membernet.New, map[string]string{units[0]: "pass", units[1]: "pass", units[2]: "pass", units[3]: "pass"}, nil},
		{"naks-mac-table", mutantFactory(t, "naks-mac-table"),
			map[string]string{units[0]: "fail", units[1]: "fail", units[2]: "set-up failed", units[3]: "set-up failed"}, []string{"NET-DEV-06"}},
		{"forgets-mac-table-on-restore", mutantFactory(t, "forgets-mac-table-on-restore"),
			map[string]string{units[0]: "pass", units[1]: "pass", units[2]: "pass", units[3]: "fail"}, []string{"NET-PART-02"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := conformance.Check(conformance.ServedDevice(tc.name, serveNet(tc.f), extdevice.Options{}), conformance.Parts(true, false))
			require.NoError(t, err)
			for _, name := range units {
				u, ok := rep.Unit(name)
				if assert.True(t, ok, name) {
					assert.Equal(t, tc.want[name], u.Verdict, "%s: %v", name, u.Failures)
				}
			}
			assert.Equal(t, tc.fail, rep.FailedRequirements())
		})
	}
}

// mutantFactory wraps the reference virtio-net in the named mutant.
func mutantFactory(t *testing.T, name string) member.Factory {
	m, ok := mutants.Lookup(name)
	require.True(t, ok, name)
	return m.Factory(membernet.New)
}
