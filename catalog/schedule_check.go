package catalog

import (
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// ReadScheduleFile reads a schedule file (engine.ReadScheduleFile) and
// checks the fields only the world gives a meaning to: the edition and its
// knobs. Errors name the file and the field.
func ReadScheduleFile(path string) (*engine.Schedule, error) {
	s, err := engine.ReadScheduleFile(path)
	if err != nil {
		return nil, err
	}
	if err := CheckSchedule(s); err != nil {
		return nil, fmt.Errorf("catalog: schedule %s: %w", path, err)
	}
	return s, nil
}

// CheckSchedule checks a schedule's edition and knobs.
func CheckSchedule(s *engine.Schedule) error {
	ed, err := spec.ParseEdition(s.Edition)
	if err != nil {
		return fmt.Errorf("field edition: %w", err)
	}
	if _, err := spec.ParseRules(ed, s.Knobs); err != nil {
		return fmt.Errorf("field knobs: %w", err)
	}
	return nil
}
