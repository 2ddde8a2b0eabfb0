package catalog

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
)

// regressRun is one regression schedule replayed (ReplaySchedule) and its
// finding annotated as a report does (AnnotateFinding).
type regressRun struct {
	sc        *schedfile.Schedule
	readErr   error
	res       engine.Result
	replayErr error
	// annotated is a copy of res's finding with its impact, requirements
	// and actors derived, once asked for (annotatedRegress);
	// annotateErr is AnnotateFinding's error.
	annotated   *engine.Finding
	annotateErr error
}

// regressRuns keeps every regression schedule's replay and annotation, by
// path, once per test process: the tests that check the regression files
// (TestRegress_Replay, TestRegressImpact, TestRegress_AnnotationsCurrent,
// TestCausalSlice_WhyBroad, TestCausalSlice_RegressSound,
// TestFindingReqsOfCatalogRows, TestFindingActorsNameTheSlice,
// TestTransparentNamesThePeerWhoseReadDiffers, -short's
// TestQuestionsCatalog) each assert on the same deterministic replay of a
// file, which runs once instead of once per test.
var regressRuns struct {
	sync.Mutex
	m map[string]*regressRun
}

// replayedRegress returns the replay of the regression schedule at path
// (under regressDir when path has no directory). Callers must not change
// what it returns.
func replayedRegress(t *testing.T, path string) *regressRun {
	t.Helper()
	if filepath.Dir(path) == "." {
		path = filepath.Join(regressDir, path)
	}
	regressRuns.Lock()
	defer regressRuns.Unlock()
	if r, ok := regressRuns.m[path]; ok {
		return r
	}
	r := &regressRun{}
	r.sc, r.readErr = ReadScheduleFile(path)
	if r.readErr == nil {
		r.res, r.replayErr = ReplaySchedule(r.sc, engine.RunConfig{})
	}
	if regressRuns.m == nil {
		regressRuns.m = map[string]*regressRun{}
	}
	regressRuns.m[path] = r
	return r
}

// replayed is replayedRegress's schedule and replay, which must both
// succeed.
func replayed(t *testing.T, path string) (*schedfile.Schedule, engine.Result) {
	t.Helper()
	r := replayedRegress(t, path)
	require.NoError(t, r.readErr, path)
	require.NoError(t, r.replayErr, path)
	return r.sc, r.res
}

// annotatedRegress replays a regression schedule and derives its finding's
// impact and requirements as a report does (AnnotateFinding): the
// finding the file records, and the one derived now.
func annotatedRegress(t *testing.T, path string) (recorded, derived engine.Finding) {
	t.Helper()
	sc, res := replayed(t, path)
	require.NotNil(t, sc.Finding)
	require.NotNil(t, res.Finding)
	r := replayedRegress(t, path)
	regressRuns.Lock()
	if r.annotated == nil {
		fd := *res.Finding
		r.annotateErr = AnnotateFinding(sc, &fd, 0)
		r.annotated = &fd
	}
	regressRuns.Unlock()
	require.NoError(t, r.annotateErr, path)
	return *sc.Finding, *r.annotated
}
