package report

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/keepfile"
)

// KeepSchedule writes the schedule file of a finding (or of a run) as
// `migsim explore` and `migsim merge` write it: to path, or, when path
// holds another file, to the first free edition of it, NAME.1.json,
// NAME.2.json and so on (keepfile.Write): a file another exploration (or
// another run of this one) wrote is never replaced. A file that holds
// exactly this schedule already is left as it is. It returns the path
// that holds the schedule and, when that is not simply path written
// afresh, a note that says what happened, for stderr.
func KeepSchedule(sc *schedfile.Schedule, path string) (string, string, error) {
	b, err := catalog.ScheduleBytes(sc, path)
	if err != nil {
		return "", "", err
	}
	p, before, err := keepfile.Write(path, b)
	if err != nil {
		return "", "", fmt.Errorf("schedule file: %w", err)
	}
	switch {
	case before:
		return p, fmt.Sprintf("%s already holds this schedule: left as it is", p), nil
	case p != path:
		return p, fmt.Sprintf("%s holds another schedule, left as it is: this one is %s", path, p), nil
	}
	return p, "", nil
}

// EarlierSchedules returns a note on the schedule file of the target in
// dir, named name, when an exploration that found nothing leaves it
// there: it is an earlier exploration's ("" when there is none).
func EarlierSchedules(dir, name string) string {
	p := filepath.Join(dir, name)
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return fmt.Sprintf("%s is the schedule file of an earlier exploration, left as it is (this one found nothing)", p)
}
