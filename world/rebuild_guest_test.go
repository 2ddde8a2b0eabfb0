package world_test

import (
	"flag"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

var (
	rebuildCatalog = flag.Bool("world.rebuildcatalog", false, "TestRebuildGuestsAndPeers: every row of the catalog (its expect lines) instead of its fixed rows")
	rebuildPer     = flag.Int("world.rebuilddecisions", 9, "TestRebuildGuestsAndPeers: decisions checked per run (0: every one)")
)

// rebuildRow is a catalog row the rebuild test runs.
type rebuildRow struct {
	scenario string
	ed       spec.Edition
	knobs    []string
	settings []string
}

// catalogRows are the rows of every expect line of the catalog.
func catalogRows(t *testing.T) []rebuildRow {
	all, err := catalog.Catalog()
	require.NoError(t, err)
	var rows []rebuildRow
	for _, s := range all {
		for _, e := range s.Expect {
			row := rebuildRow{scenario: s.Name, ed: e.Edition, knobs: e.Knobs}
			for _, a := range e.Settings {
				row.settings = append(row.settings, a.Key+"="+a.Value)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// rebuildRows: blk and net guests, one guest and two, peers (doorbells,
// writes and reads, the wire, PF resets), posted writes, trapped FLRs,
// both editions, rows with findings.
var rebuildRows = []rebuildRow{
	{"smoke-migrate", spec.Virtio14, nil, nil},
	{"smoke-migrate", spec.Draft2023, nil, nil},
	{"flr-during-freeze", spec.Virtio14, nil, nil},
	{"flr-while-stopped", spec.Virtio14, nil, nil},
	{"flr-during-freeze", spec.Draft2023, nil, nil},
	{"net-link-while-stopped", spec.Virtio14, nil, nil},
	{"net-rx-while-stopped", spec.Draft2023, nil, nil},
	{"vm-two-guests", spec.Virtio14, nil, nil},
	{"vm-two-guests", spec.Draft2023, nil, nil},
	{"vm-p2p-doorbells", spec.Draft2023, nil, nil},
	{"doorbell-in-flight-at-halt", spec.Virtio14, nil, nil},
	{"peer-commoncfg-write-quiesced", spec.Virtio14, nil, nil},
	{"pf-flr-with-admin-outstanding", spec.Virtio14, nil, nil},
	{"kick-during-stop", spec.Virtio14, []string{"resume-avail=latched-only"}, nil},
}

// rebuildCall is one call the engine made on the original world.
type rebuildCall struct {
	kind callKind
	step engine.Step
	at   engine.VTime
	flag bool
}

// callRecorder records the calls the engine makes on a world.
type callRecorder struct {
	*world.World
	calls *[]rebuildCall
}

func (w callRecorder) add(c rebuildCall) { *w.calls = append(*w.calls, c) }

func (w callRecorder) Enabled(buf []engine.Step) []engine.Step {
	w.add(rebuildCall{kind: callEnabled})
	return w.World.Enabled(buf)
}

func (w callRecorder) EnabledBare(buf []engine.Step) []engine.Step {
	w.add(rebuildCall{kind: callBare})
	return w.World.EnabledBare(buf)
}

func (w callRecorder) Execute(s engine.Step) *engine.Finding {
	w.add(rebuildCall{kind: callExecute, step: s})
	return w.World.Execute(s)
}

func (w callRecorder) Advance(t engine.VTime) {
	w.add(rebuildCall{kind: callAdvance, at: t})
	w.World.Advance(t)
}

func (w callRecorder) Epoch() bool {
	w.add(rebuildCall{kind: callEpoch})
	return w.World.Epoch()
}

func (w callRecorder) Replayed(judged bool) {
	w.add(rebuildCall{kind: callReplayed, flag: judged})
	w.World.Replayed(judged)
}

func (w callRecorder) StepFootprint(s engine.Step) engine.Footprint {
	w.add(rebuildCall{kind: callFootprint, step: s})
	return w.World.StepFootprint(s)
}

// rebuildTarget builds the worlds of one row, recording their actors.
type rebuildTarget struct {
	tg   catalog.Target
	ref  []string
	seed uint64
}

func newRebuildTarget(t testing.TB, row rebuildRow, seed uint64) rebuildTarget {
	s, err := catalog.CatalogScenario(row.scenario)
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, row.ed, row.knobs, row.settings)
	require.NoError(t, err)
	ref, err := tg.Reference(seed)
	require.NoError(t, err)
	return rebuildTarget{tg: tg, ref: ref, seed: seed}
}

// world builds a world of the row from the seed, recording its actors and
// tracking its state from the start.
func (r rebuildTarget) world(t testing.TB) *world.World {
	w, err := world.NewWorld(world.WorldConfig{Scenario: r.tg.Scenario, Edition: r.tg.Edition, Rules: r.tg.Rules,
		Settings: r.tg.Settings, Factory: r.tg.Member, NetFactory: r.tg.NetMember, ReferenceLog: r.ref,
		Oracles: oracle.All(), Record: true, RecordActors: true}, engine.NewStreams(r.seed))
	require.NoError(t, err)
	w.TrackState()
	return w
}

// run runs the row once under the seed's random schedule and returns the
// calls the engine made and the number of steps executed.
func (r rebuildTarget) run(t testing.TB) ([]rebuildCall, int) {
	var calls []rebuildCall
	f := func(engine.Streams) (engine.System, error) {
		return callRecorder{World: r.world(t), calls: &calls}, nil
	}
	res, err := engine.Run(f, r.seed, engine.NewRandom(engine.NewStream(r.seed, engine.StreamSchedule)),
		engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	steps := 0
	for _, c := range calls {
		if c.kind == callExecute {
			steps++
		}
	}
	require.Equal(t, len(res.Choices), steps)
	return calls, steps
}

// apply makes call c on w and renders what it returned.
func apply(w *world.World, c rebuildCall, buf []engine.Step) string {
	switch c.kind {
	case callEnabled:
		return fmt.Sprint(w.Enabled(buf[:0]))
	case callBare:
		return fmt.Sprint(w.EnabledBare(buf[:0]))
	case callExecute:
		f := w.Execute(c.step)
		h, ok := w.StateHash()
		return fmt.Sprintf("%v state %x %v", f, h, ok)
	case callAdvance:
		w.Advance(c.at)
	case callEpoch:
		return fmt.Sprint(w.Epoch())
	case callReplayed:
		w.Replayed(c.flag)
	case callFootprint:
		return fmt.Sprint(w.StepFootprint(c.step))
	}
	return ""
}

// replayTo builds a world and makes the calls before the k-th Execute.
func (r rebuildTarget) replayTo(t testing.TB, calls []rebuildCall, k int) (*world.World, int) {
	w := r.world(t)
	var buf []engine.Step
	n := 0
	for i, c := range calls {
		if c.kind == callExecute {
			if n == k {
				return w, i
			}
			n++
		}
		apply(w, c, buf)
	}
	return w, len(calls)
}

// ending renders how a world ended.
func ending(w *world.World) string {
	f := w.Finish()
	out, _ := w.FlowOutcome()
	return fmt.Sprintf("finding %v\nstate %x\nlog %q\ntrouble %v\nnotes %q\nstalled %q\nflow %v\nevents %v\nwire %v",
		f, w.CanonicalStateHash(), w.GuestLog(), w.GuestTrouble(), w.Notes(), w.Stalled(), out, w.Events(), w.Wire())
}

// checkRebuild replays the row to decision k twice, rebuilds the second
// copy's guests and peers from the first's records, and runs both to the
// end on the same calls. It returns an error at the first difference, and
// the refusals.
func (r rebuildTarget) checkRebuild(t *testing.T, calls []rebuildCall, k int) (st rebuildStats, err error) {
	st.rebuilt, st.refused, st.entries, st.fromCheckpoint, err = r.rebuildAt(t, calls, k)
	return st, err
}

// rebuildStats counts what one check rebuilt: the actors, their records'
// entries fast-forwarded, and the refusals.
type rebuildStats struct {
	rebuilt, entries int
	// fromCheckpoint counts the guests whose record holds a checkpoint
	// of their driver: rebuilt from there, not from the start.
	fromCheckpoint int
	refused        []string
}

func (r rebuildTarget) rebuildAt(t *testing.T, calls []rebuildCall, k int) (rebuilt int, refused []string, entries, fromCP int, err error) {
	o, from := r.replayTo(t, calls, k)
	b, _ := r.replayTo(t, calls, k)
	defer o.Close()
	defer b.Close()
	fromCP = o.GuestCheckpointsForTest()
	recs := o.RecordsForTest()
	rebuilt, refused, entries, err = r.checkRebuilt(calls, k, o, b, from)
	if err == nil && fromCP > 0 {
		err = r.checkRebuiltLate(t, calls, k, recs)
	}
	return rebuilt, refused, entries, fromCP, err
}

// checkRebuiltLate rebuilds a third copy replayed to decision k from the
// records recs the original held there, once the original and the first
// copy ran to their end: the checkpoints in recs are restored after the
// driver they were kept from and the driver restored from them went on,
// as a search restores a kept copy's checkpoints long after it was made.
// Neither may have written them: the rebuilt guests' drivers and logs and
// the state hash are the copy's before the rebuild.
func (r rebuildTarget) checkRebuiltLate(t *testing.T, calls []rebuildCall, k int, recs world.Records) error {
	c, _ := r.replayTo(t, calls, k)
	defer c.Close()
	before, logBefore, drvBefore := c.CanonicalStateHash(), c.GuestLog(), c.GuestDriverHashes()
	if _, _, err := c.RebuildActorsFromForTest(recs); err != nil {
		return fmt.Errorf("decision %d, rebuilt late: %w", k, err)
	}
	if got := fmt.Sprint(c.GuestLog(), c.GuestDriverHashes()); got != fmt.Sprint(logBefore, drvBefore) {
		return fmt.Errorf("decision %d: guests rebuilt from their checkpoints once the original went on: %s, were %v %v", k, got, logBefore, drvBefore)
	}
	if after := c.CanonicalStateHash(); after != before {
		return fmt.Errorf("decision %d: a rebuild once the original went on changed the state hash: %x, was %x", k, after, before)
	}
	return nil
}

// checkRebuilt rebuilds b's guests and peers from o's records, o and b
// both replayed to decision k (call from), and runs both to the end.
func (r rebuildTarget) checkRebuilt(calls []rebuildCall, k int, o, b *world.World, from int) (rebuilt int, refused []string, entries int, err error) {
	before, logBefore, drvBefore := b.CanonicalStateHash(), b.GuestLog(), b.GuestDriverHashes()
	for _, n := range o.RecordLens() {
		entries += n
	}
	rebuilt, refused, err = b.RebuildActorsForTest(o)
	if err != nil {
		return rebuilt, refused, entries, fmt.Errorf("decision %d: %w", k, err)
	}
	if after := b.CanonicalStateHash(); after != before {
		return rebuilt, refused, entries, fmt.Errorf("decision %d: the rebuild changed the state hash: %x, was %x", k, after, before)
	}
	if got := fmt.Sprint(b.GuestLog(), b.GuestDriverHashes()); got != fmt.Sprint(logBefore, drvBefore) {
		return rebuilt, refused, entries, fmt.Errorf("decision %d: rebuilt guests and peers: %s, were %v %v", k, got, logBefore, drvBefore)
	}
	var bo, bb []engine.Step
	for i := from; i < len(calls); i++ {
		if got, want := apply(b, calls[i], bb), apply(o, calls[i], bo); got != want {
			return rebuilt, refused, entries, fmt.Errorf("decision %d: call %d (%d): rebuilt copy %s, original %s", k, i, calls[i].kind, got, want)
		}
	}
	if got, want := ending(b), ending(o); got != want {
		return rebuilt, refused, entries, fmt.Errorf("decision %d: the rebuilt copy ends\n%s\nthe original\n%s", k, got, want)
	}
	if got, want := fmt.Sprint(b.RecordLens()), fmt.Sprint(o.RecordLens()); got != want {
		return rebuilt, refused, entries, fmt.Errorf("decision %d: records of %s entries, the original's %s", k, got, want)
	}
	return rebuilt, refused, entries, nil
}

// decisions picks n decisions spread over a run of steps, the first and
// the last (and the end, past the last step) included.
func decisions(steps, n int) []int {
	out := []int{0}
	for i := 1; i < n; i++ {
		if k := steps * i / n; k > out[len(out)-1] {
			out = append(out, k)
		}
	}
	if steps > 0 && steps-1 > out[len(out)-1] {
		out = append(out, steps-1)
	}
	if steps > out[len(out)-1] {
		out = append(out, steps)
	}
	if n <= 0 {
		out = out[:0]
		for k := 0; k <= steps; k++ {
			out = append(out, k)
		}
	}
	return out
}

// TestRebuildGuestsAndPeers: a world's guests and peers rebuilt on a copy
// from the original's records (World.rebuildGuest, World.rebuildPeer) are
// exact: at decisions spread through a run of catalog rows (blk and net
// guests, one guest and two, peers, posted writes, trapped FLRs, both
// editions), the copy replayed to the decision, its guests and peers
// rebuilt, writes nothing (the same state hash, guest logs and drivers'
// state) and goes on as the original under the same calls: the same
// steps offered, findings and state hashes at every decision, the same
// end state, guest logs, notes, trace and records. A guest inside a
// trapped FLR is refused, with an error that says so.
func TestRebuildGuestsAndPeers(t *testing.T) {
	rows, per := rebuildRows, *rebuildPer
	if *rebuildCatalog {
		rows = catalogRows(t)
	} else if testing.Short() {
		rows, per = rows[:4], 4
	}
	checked, refusals, rebuilt, entries, fromCP := 0, 0, 0, 0, 0
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/%s/%v%v", row.scenario, row.ed, row.knobs, row.settings), func(t *testing.T) {
			for _, seed := range []uint64{1, 2} {
				r := newRebuildTarget(t, row, seed)
				calls, steps := r.run(t)
				for _, k := range decisions(steps, per) {
					st, err := r.checkRebuild(t, calls, k)
					require.NoError(t, err, "seed %d", seed)
					for _, msg := range st.refused {
						require.Contains(t, msg, "inside a trapped FLR")
					}
					checked++
					refusals += len(st.refused)
					rebuilt += st.rebuilt
					entries += st.entries
					fromCP += min(st.fromCheckpoint, 1)
				}
			}
		})
	}
	require.Positive(t, rebuilt)
	require.Positive(t, fromCP, "some guests are rebuilt from a checkpoint of their driver")
	t.Logf("%d rows, %d row-decisions checked: %d guests and peers rebuilt from %d record entries (at %d decisions from a checkpoint of a driver), %d guests refused inside a trapped FLR",
		len(rows), checked, rebuilt, entries, fromCP, refusals)
}

// TestRebuildGuestsAndPeers_PlantedLeak: guest memory reads left out of
// the record (and read from the copy on rebuild) make the check fail.
func TestRebuildGuestsAndPeers_PlantedLeak(t *testing.T) {
	defer world.LeakGuestMemReads()()
	failed := 0
	for _, row := range rebuildRows[:2] {
		r := newRebuildTarget(t, row, 1)
		calls, steps := r.run(t)
		for _, k := range decisions(steps, 6) {
			if _, err := r.checkRebuild(t, calls, k); err != nil {
				failed++
				t.Logf("%s %s: %v", row.scenario, row.ed, firstLine(err.Error()))
			}
		}
	}
	require.Positive(t, failed, "a leak of the guests' memory reads goes unnoticed")
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
