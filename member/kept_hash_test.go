package member_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/devhash"
)

// partHashers are the hashers a world of virtio-net VFs hashes its
// members with (the ports and links, which the world changes with no
// event, left to the world).
func partHashers() *devhash.Hashers {
	hs := devhash.New(reflect.TypeFor[world.World]().PkgPath(), true, false)
	return &hs
}

// partsCheck counts the member events of a search, those after which the
// core's hash changed, and keeps the events after which the hash made of
// the kept parts' hashes was not the hash from scratch.
type partsCheck struct {
	events, moved int
	stale         []string
}

// partsChecked wraps a core: before every event it has the core keep the
// hashes of its parts, after it compares the hash made of what the core
// still keeps with the hash from scratch. A write the drops miss shows as
// a stale kept hash.
type partsChecked struct {
	*member.Core
	hs *devhash.Hashers
	c  *partsCheck
}

func (d partsChecked) Handle(ev member.Event) member.Effects {
	before := d.Core.PartsHash(d.hs, false)
	fx := d.Core.Handle(ev)
	d.c.events++
	kept, fresh := d.Core.PartsHash(d.hs, false), d.Core.PartsHash(d.hs, true)
	if kept != fresh && len(d.c.stale) < 10 {
		d.c.stale = append(d.c.stale, fmt.Sprintf("event %+v: kept %#x, from scratch %#x", ev, kept, fresh))
	}
	if fresh != before {
		d.c.moved++
	}
	return fx
}

// TestPartsHash_MatchesFresh: the hash a core makes of its parts' kept
// hashes (member.Core.PartsHash) is the hash from scratch after every
// event of pct runs of every catalog scenario under both editions, blk
// and net members alike, though the event changed the state.
func TestPartsHash_MatchesFresh(t *testing.T) {
	var total partsCheck
	c := &partsCheck{}
	targets := exploreCatalogCores(t, 8, func(core *member.Core) member.Device {
		return partsChecked{Core: core, hs: partHashers(), c: c}
	}, func(name string) {
		assert.Empty(t, c.stale, "%s: a kept part's hash is not the part's", name)
		total.events += c.events
		total.moved += c.moved
		c = &partsCheck{}
	})
	t.Logf("%d targets, %d member events, %d of them changed a member's hash", targets, total.events, total.moved)
	require.Greater(t, targets, 100, "catalog targets searched")
	assert.Positive(t, total.moved, "events change the members' hashes")
}

// TestPartsHash_PlantedStaleCaught: a write to a queue past state.queue
// and a call into the backend past state.backend keep a stale hash, which
// the comparison with the hash from scratch catches; the same core before
// the plant agrees.
func TestPartsHash_PlantedStaleCaught(t *testing.T) {
	for _, c := range []struct {
		name  string
		plant func(in member.Inspect)
	}{
		{"none", nil},
		{"a queue written past state.queue", func(in member.Inspect) { in.PlantQueueWrite(0) }},
		{"the backend called past state.backend", func(in member.Inspect) { in.PlantBackendCall() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			disk := blk.NewDisk(512, "kept")
			core := blk.New(member.Config{Edition: spec.Virtio14, Backing: disk}).(*member.Core)
			hs := partHashers()
			// A capacity the backend has not taken in yet: a reset takes it.
			disk.Resize(1024)
			core.Handle(member.Event{Kind: member.EvBackend})
			kept := core.PartsHash(hs, false)
			require.Equal(t, core.PartsHash(hs, true), kept, "the kept hashes agree before the plant")
			if c.plant == nil {
				return
			}
			disk.Resize(2048)
			c.plant(member.InspectCore(core))
			assert.Equal(t, kept, core.PartsHash(hs, false), "the plant keeps the stale hash")
			assert.NotEqual(t, core.PartsHash(hs, true), core.PartsHash(hs, false), "the check catches the stale hash")
		})
	}
}

// TestPartsHash_WritersNoRunReaches: writers of a queue that no pct run
// of the catalog reaches with a kept hash (so TestPartsHash_MatchesFresh
// cannot tell whether they drop it) leave no stale hash: a doorbell a
// resume latches again after an applied context cleared it, and the held
// interrupts of an applied PENDING_EVENTS field.
func TestPartsHash_WritersNoRunReaches(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(t *testing.T, in member.Inspect)
	}{
		{"a doorbell latched again", func(t *testing.T, in member.Inspect) { in.KeepDoorbell(1, 7) }},
		{"held interrupts applied", func(t *testing.T, in member.Inspect) {
			require.NoError(t, in.ApplyFields([]devctx.Field{devctx.PendingEvents{HeldIRQs: 1 << 1}.Field()}))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			core := blk.New(member.Config{Edition: spec.Draft2023, NumQueues: 2, Backing: blk.NewDisk(512, "kept")}).(*member.Core)
			hs := partHashers()
			before := core.PartsHash(hs, false)
			require.Equal(t, core.PartsHash(hs, true), before, "the kept hashes agree before the write")
			c.write(t, member.InspectCore(core))
			fresh := core.PartsHash(hs, true)
			require.NotEqual(t, before, fresh, "the write changes the core")
			assert.Equal(t, fresh, core.PartsHash(hs, false), "no kept hash is stale after the write")
		})
	}
}

// TestPartsHash_OtherRulesReadNoKeptHash: a part's hash kept by one
// hasher is not read back by a hasher of other rules: the reflective walk,
// the reference the compiled walk is checked against, computes every part
// though the compiled walk keeps a (here planted stale) hash of it.
func TestPartsHash_OtherRulesReadNoKeptHash(t *testing.T) {
	core := blk.New(member.Config{Edition: spec.Virtio14, Backing: blk.NewDisk(512, "kept")}).(*member.Core)
	compiled := partHashers()
	reflective := devhash.New(reflect.TypeFor[world.World]().PkgPath(), true, true)
	core.PartsHash(compiled, false)
	member.InspectCore(core).PlantQueueWrite(0)
	require.NotEqual(t, core.PartsHash(compiled, true), core.PartsHash(compiled, false), "the compiled walk's kept hash is stale")
	assert.Equal(t, core.PartsHash(&reflective, true), core.PartsHash(&reflective, false),
		"the reflective walk reads no hash the compiled walk kept")
}
