package schedfile

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/inputfile"
	"github.com/migsim/migsim/internal/jsonpath"
)

// MaxString is the most bytes a name of a schedule file holds: a step's
// label, the module, edition, knobs, scenario name and hash, scenario file,
// settings, device and its arguments, strategy, trace hash, checksum, and
// the finding's oracle, requirements, actors and impact. It is a thousand
// times the longest label the catalog's runs record (59 bytes), so that no
// real name comes near it, and a file edited to hold a 100 KiB label is
// refused as it is read, not repeated whole by a replay's error. The prose
// (scenario_text, the finding's message, stack and impact_why) is bounded
// by the file's own limit alone.
const MaxString = 64 << 10

// longStringError is a name of a schedule file above MaxString: its path
// (choices[3].label), its length and, when the file's bytes are known,
// the byte offset of its opening quote (-1: not known).
type longStringError struct {
	path string
	n    int
	off  int64
}

func (e *longStringError) Error() string {
	msg := fmt.Sprintf("field %s: a string of %d bytes, above the %s a name of a schedule file may hold", e.path, e.n, inputfile.String(MaxString))
	if e.off >= 0 {
		msg += fmt.Sprintf(" (byte offset %d)", e.off)
	}
	return msg
}

// checkStrings returns a *longStringError for the first name of s, in the
// file's order, above MaxString, or nil.
func (s *Schedule) checkStrings() error {
	long := func(path string, v string) error {
		if len(v) > MaxString {
			return &longStringError{path: path, n: len(v), off: -1}
		}
		return nil
	}
	list := func(path string, vs []string) error {
		for i, v := range vs {
			if err := long(fmt.Sprintf("%s[%d]", path, i), v); err != nil {
				return err
			}
		}
		return nil
	}
	errs := []error{long("module", s.Module), long("edition", s.Edition), list("knobs", s.Knobs),
		long("scenario", s.Scenario), long("scenario_hash", s.ScenarioHash), long("scenario_file", s.ScenarioFile),
		list("settings", s.Settings), long("device", s.Device), list("device_args", s.DeviceArgs),
		long("strategy", s.Strategy), long("trace_hash", s.TraceHash)}
	if f := s.Finding; f != nil {
		errs = append(errs, long("finding.oracle", f.Oracle), list("finding.reqs", f.Reqs),
			list("finding.reqs_broken", f.ReqsBroken), list("finding.actors", f.Actors), long("finding.impact", f.Impact))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := longLabel(s.Choices); err != nil {
		return err
	}
	return long("checksum", s.Checksum)
}

// longLabel returns a *longStringError for the first label of choices above
// MaxString, or nil.
func longLabel(choices []engine.Choice) error {
	for i, c := range choices {
		if len(c.Label) > MaxString {
			return &longStringError{path: fmt.Sprintf("choices[%d].label", i), n: len(c.Label), off: -1}
		}
	}
	return nil
}

// stringOffset returns the byte offset in the JSON document b of the
// opening quote of the string value at path (as jsonpath.Path writes it:
// choices[3].label), or -1 when none is there. Where the document gives
// that path more than one string (a key repeated, or an array given
// twice), it is the last one, whose value encoding/json keeps; and a key
// names the path as the decoder matches keys to fields, ignoring case
// ("Module" is module).
func stringOffset(b []byte, path string) int64 {
	off := int64(-1)
	jsonpath.Walk(b, func(stack []jsonpath.Frame, tok json.Token, before, _ int64) bool {
		if _, ok := tok.(string); !ok || !strings.EqualFold(jsonpath.Path(stack), path) {
			return false
		}
		off = jsonpath.SkipSeparators(b, before)
		return false
	})
	return off
}
