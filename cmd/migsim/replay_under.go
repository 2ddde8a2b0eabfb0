package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/under"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/report"
)

// underFlags are replay's flags that replay a schedule under another
// edition, other knobs or other settings: explore's names, so that a
// target is written the same way for both.
type underFlags struct {
	edition         *string
	knobs, settings *[]string
}

func addUnderFlags(fs *pflag.FlagSet) underFlags {
	return underFlags{
		edition:  fs.String("spec", "", "replay under this edition (draft-2023 or virtio-1.4), the recorded choices followed leniently"),
		knobs:    fs.StringArray("knob", nil, "replay with this knob, key=value, in place of the recorded value; repeatable (migsim spec lists them)"),
		settings: fs.StringArray("set", nil, "replay with this scenario setting, key=value, in place of the recorded value; repeatable"),
	}
}

func (u underFlags) override() under.Override {
	return under.Override{Edition: *u.edition, Knobs: *u.knobs, Settings: *u.settings}
}

// underTarget builds the target of a replay under other rules, or says
// why it cannot (exit 2): a flag that does not go with it, a schedule
// recorded with a device, a knob, setting or edition the target refuses.
func underTarget(stderr io.Writer, sc *schedfile.Schedule, o under.Override, device, without bool) (catalog.Target, []string, int) {
	const cmd = "replay"
	switch {
	case device:
		return catalog.Target{}, nil, cmdbase.UsageError(stderr, cmd, "--spec, --knob and --set replay the reference device under other rules; --device does not go with them")
	case sc.Device != "":
		return catalog.Target{}, nil, cmdbase.UsageError(stderr, cmd, "--spec, --knob and --set replay the reference device under other rules; this schedule was recorded with device %s", sc.Device)
	case without:
		return catalog.Target{}, nil, cmdbase.UsageError(stderr, cmd, "--without-migration goes with none of --spec, --knob and --set (it compares the recorded run with its run without migration)")
	}
	t, dropped, err := under.Target(sc, o)
	if err != nil {
		return t, nil, cmdbase.UsageError(stderr, cmd, "%s", usererr.Text(err))
	}
	return t, dropped, -1
}

// replayUnder runs sc's seed on t following its recorded choices
// leniently, prints what it ran under and how closely it followed them,
// and returns the run as a schedule of t, for replay to print as it
// prints a recorded run; or an exit code (0 and up) when the run failed.
func replayUnder(stdout, stderr io.Writer, sc *schedfile.Schedule, t catalog.Target, dropped []string,
	maxSteps int, given string) (*schedfile.Schedule, int) {
	fmt.Fprintf(stdout, "under %s: the recorded choices followed leniently\n", underText(t))
	for _, k := range dropped {
		fmt.Fprintf(stdout, "  recorded knob %s left out: it does not apply to %s\n", k, t.Edition)
	}
	res, follow, run, err := under.Replay(t, sc, maxSteps)
	if serr := setupError(err, maxSteps, given); serr != nil {
		return nil, cmdbase.UsageError(stderr, "replay", "%v", serr)
	}
	if err != nil {
		fmt.Fprintf(stdout, "replay failed: %s\n", usererr.Text(err))
		return nil, cmdbase.ExitFinding
	}
	end := "no finding"
	if fd := res.Finding; fd != nil {
		end = fmt.Sprintf("finding %s at step %d", fd.Oracle, engine.ShownStep(fd.Step))
	}
	fmt.Fprint(stdout, follow.Text(end))
	return run, -1
}

// underText names a target as replay's first line names the recorded one:
// "EDITION, knobs K…|defaults[, settings S…]".
func underText(t catalog.Target) string {
	knobs := "defaults"
	if k := t.Knobs(); len(k) > 0 {
		knobs = strings.Join(k, " ")
	}
	s := fmt.Sprintf("%s, knobs %s", t.Edition, knobs)
	if len(t.Settings) > 0 {
		s += ", settings " + strings.Join(catalog.SettingStrings(t.Settings), " ")
	}
	return s
}

// saveUnder writes the run under other rules as a schedule file at path
// (report.KeepSchedule: another schedule already there is kept) and says
// where it went; false when it could not be written.
func saveUnder(stdout, stderr io.Writer, sc *schedfile.Schedule, path string) bool {
	p, note, err := report.KeepSchedule(sc, path)
	if err != nil {
		fmt.Fprintf(stderr, "migsim replay: --save %s: %s\n", path, usererr.Text(err))
		return false
	}
	if note != "" {
		fmt.Fprintf(stderr, "migsim replay: %s\n", note)
	}
	fmt.Fprintf(stdout, "this run's schedule: %s\n", catalog.ReplayCommand(p))
	return true
}
