package world_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/worldcopy"
)

// frozenSearch is a fork test's search of a row, run under
// worldcopy.CheckFrozen: what the check saw, by the root type of the
// graphs it walked, and the first differences it reported.
type frozenSearch struct {
	search  forkSearch
	checked map[string]int
	changed []string
}

// forkSearches keeps, once per test process, the searches of a row that
// the fork tests share: the search without the fork, on worlds that do
// not record their actors (the reference of TestFork_SameSearchOnWorlds,
// TestFork_RealSameSearch and TestFork_KeptGraphsStayFrozen), and the
// search whose runs start from World.Fork's copies
// (TestFork_RealSameSearch's and TestFork_KeptGraphsStayFrozen's). A
// search is deterministic: each test asserts on the same runs, ends,
// summary and checks instead of searching again. The searches run one at
// a time (CheckFrozen's report is the process's).
var forkSearches struct {
	sync.Mutex
	unforked map[string]*frozenSearch
	real     map[string]*frozenSearch
}

// forkRowKey names a row and its run budget.
func forkRowKey(row forkRow) string {
	return fmt.Sprintf("%s/%s/%v/%d", row.scenario, row.ed, row.knobs, row.runs)
}

// unforkedSearch returns row's search without the fork, run once per test
// process under worldcopy.CheckFrozen.
func unforkedSearch(t *testing.T, row forkRow) *frozenSearch {
	t.Helper()
	return cachedForkSearch(t, &forkSearches.unforked, row, false)
}

// realForkSearch returns row's search with World.Fork (worlds that record
// their actors), run once per test process under worldcopy.CheckFrozen.
func realForkSearch(t *testing.T, row forkRow) *frozenSearch {
	t.Helper()
	return cachedForkSearch(t, &forkSearches.real, row, true)
}

// cachedForkSearch returns row's search from m, running it (with the fork
// when fork is set, each world wrapped in a forkOut) under
// worldcopy.CheckFrozen when m does not hold it yet; m keeps the digests
// of its runs and ends. Callers must not change what it returns.
func cachedForkSearch(t *testing.T, m *map[string]*frozenSearch, row forkRow, fork bool) *frozenSearch {
	t.Helper()
	forkSearches.Lock()
	defer forkSearches.Unlock()
	key := forkRowKey(row)
	if r, ok := (*m)[key]; ok {
		return r
	}
	r := &frozenSearch{checked: map[string]int{}}
	var mu sync.Mutex
	worldcopy.CheckFrozen(func(root reflect.Type, err error) {
		mu.Lock()
		defer mu.Unlock()
		r.checked[root.String()]++
		if err != nil && len(r.changed) < 10 {
			r.changed = append(r.changed, fmt.Sprintf("%s: %v", root, err))
		}
	})
	defer worldcopy.CheckFrozen(nil)
	r.search = searchFork(t, row, fork, true, wrapForkOut).digest()
	if *m == nil {
		*m = map[string]*frozenSearch{}
	}
	(*m)[key] = r
	return r
}

// wrapForkOut wraps a world of a search in a forkOut.
func wrapForkOut(w *world.World, _ engine.Factory, _ uint64, ends *endSink) engine.System {
	return &forkOut{World: w, out: ends}
}

// rerunRealFork returns sameForkSearch's rerun for row's searches
// without the fork and with World.Fork: both run again, uncached, for
// the texts of their runs and ends.
func rerunRealFork(t *testing.T, row forkRow) func() (off, on forkSearch) {
	return func() (off, on forkSearch) {
		return searchFork(t, row, false, true, wrapForkOut), searchFork(t, row, true, true, wrapForkOut)
	}
}
