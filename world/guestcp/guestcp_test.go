package guestcp

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/guest/blk"
	"github.com/migsim/migsim/guest/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
)

// bus is a vCPU that answers nothing: the drivers here run no operation.
type bus struct{ guest.Bus }

func (bus) Memory() pcie.MemoryPort { return nil }

// other is a driver the copier does not know.
type other struct{ guest.Driver }

func (other) Exec(scenario.Op) error { return nil }

// TestKeepRestore: a blk or net driver kept before an operation restores
// as a driver of the same state, bound to the new bus, one copy per
// restore, with the operation; a driver the copier does not know keeps
// nothing, and what is no checkpoint does not restore.
func TestKeepRestore(t *testing.T) {
	for _, c := range []struct {
		name string
		drv  guest.Driver
	}{
		{"net", net.New(bus{}, net.DefaultPlan(3))},
		{"blk", blk.NewWithPlan(bus{}, guest.MemoryPlan{})},
	} {
		t.Run(c.name, func(t *testing.T) {
			cp := Keep(c.drv, 3)
			require.NotNil(t, cp)
			var restored []guest.Driver
			for range 2 {
				to := &bus{}
				d, op, err := Restore(cp, to)
				require.NoError(t, err)
				assert.Equal(t, 3, op)
				assert.NotSame(t, c.drv, d)
				assert.Equal(t, c.drv.(guest.StateHasher).StateHash(), d.(guest.StateHasher).StateHash())
				assert.Equal(t, c.drv.Log(), d.Log())
				restored = append(restored, d)
			}
			assert.NotSame(t, restored[0], restored[1], "each restore is a copy of its own")
		})
	}
	assert.Nil(t, Keep(other{}, 0))
	_, _, err := Restore(42, bus{})
	require.ErrorContains(t, err, "a checkpoint of type int")
}

// TestRestore_Concurrent: the jobs of a search restore one checkpoint (a
// record is shared by every copy of the world) at once, its first copy
// among them; each gets a driver of the kept state of its own (go test
// -race checks that they take turns).
func TestRestore_Concurrent(t *testing.T) {
	for _, drv := range []guest.Driver{net.New(bus{}, net.DefaultPlan(3)), blk.NewWithPlan(bus{}, guest.MemoryPlan{})} {
		cp := Keep(drv, 1)
		require.NotNil(t, cp)
		want := drv.(guest.StateHasher).StateHash()
		got := make([]guest.Driver, 4)
		errs := make([]error, len(got))
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], _, errs[i] = Restore(cp, &bus{})
			}()
		}
		wg.Wait()
		for i, d := range got {
			require.NoError(t, errs[i])
			assert.Equal(t, want, d.(guest.StateHasher).StateHash(), "restore %d", i)
			for _, e := range got[:i] {
				assert.NotSame(t, e, d, "restore %d", i)
			}
		}
	}
}
