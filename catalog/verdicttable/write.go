package verdicttable

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog"
)

// Formats are the formats the table is written in: the text table
// (WriteText), the JSON document (WriteJSON) and JUnit XML (WriteJUnit).
var Formats = []string{"text", "json", "junit"}

// Write writes the table in format, one of Formats; a row's replay line
// names its schedule as WriteText finds it.
func Write(w io.Writer, format string, rows []catalog.Outcome, regressDir, reportDir string) error {
	switch format {
	case "text":
		return WriteText(w, rows, regressDir, reportDir)
	case "json":
		return WriteJSON(w, rows, regressDir, reportDir)
	case "junit":
		return WriteJUnit(w, rows, regressDir, reportDir)
	}
	return fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// ParseReport parses a report flag's FORMAT=FILE ("junit=report.xml"):
// a format of Formats and a file name.
func ParseReport(arg string) (format, file string, err error) {
	format, file, ok := strings.Cut(arg, "=")
	if !ok || file == "" || !slices.Contains(Formats, format) {
		return "", "", fmt.Errorf("%q: want FORMAT=FILE, FORMAT one of %s", arg, strings.Join(Formats, ", "))
	}
	return format, file, nil
}

// firstError is a writer that keeps the first error a write to w
// returned and writes nothing after it, so that a writer of many
// fmt.Fprint calls checks one error at its end.
type firstError struct {
	w   io.Writer
	err error
}

// Write writes p to w unless an earlier write failed.
func (e *firstError) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
