// Package inputfile reads the files a user names on the command line
// (scenarios, schedules, shard summaries, device descriptions, saved
// states) whole, with a bound: a file that is not a regular file (a FIFO,
// a device such as /dev/zero, a directory) is refused before a byte is
// read, and a file above its kind's limit is refused with the path and the
// limit, also when it grows while it is read. Bad input never exhausts
// memory or blocks.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Limit is the cap on the bytes of one kind of input, and what the kind is
// called in errors.
type Limit struct {
	// What names the kind of file ("scenario file").
	What string
	// Bytes is the largest size read.
	Bytes int64
}

// The limits of every file migsim reads. Text a person writes (scenarios,
// device descriptions) is a few kilobytes: 4 MiB is a thousand times the
// largest catalog scenario and still parses in well under a second.
// Machine-written files are bounded by what a run can record: a schedule
// holds one choice per step, about 100 bytes of indented JSON, and a run
// is bounded at 10,000,000 steps at most (the ceiling of --max-steps), so
// about 1 GB: 1.5 GiB leaves room. A shard summary carries one schedule,
// a report of a few kilobytes and, for merge, the hash of every distinct
// interleaving the shard ran, about 30 bytes each: 4 GiB holds a shard of
// about 90 million distinct interleavings besides its schedule.
var (
	// Scenario bounds a scenario file (*.scn).
	Scenario = Limit{"scenario file", 4 << 20}
	// Schedule bounds a schedule file.
	Schedule = Limit{"schedule file", 1536 << 20}
	// ShardSummary bounds a shard summary (*.summary.json).
	ShardSummary = Limit{"shard summary", 4 << 30}
	// Description bounds a device description (JSON) of migsim compat.
	Description = Limit{"device description", 4 << 20}
	// SavedState bounds a saved device state (compat --state SAVED).
	SavedState = Limit{"saved state", 64 << 20}
	// DecodeInput bounds the raw bytes migsim decode reads from stdin.
	DecodeInput = Limit{"decode input", 64 << 20}
)

// Sentinel errors, for errors.Is: both are input errors.
var (
	// ErrNotRegular is wrapped by the error for a path that is not a
	// regular file.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge is wrapped by the error for input above its limit.
	ErrTooLarge = errors.New("above the size limit")
)

// String renders a byte count as migsim's limits are written: "4 MiB".
func String(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// String renders the limit: "4 MiB".
func (l Limit) String() string { return String(l.Bytes) }

// ReadFile reads the regular file at path, at most l.Bytes of it. The file
// is opened without blocking (a FIFO does not wait for a writer) and its
// type checked on the open file, so what is read is what was checked.
// Errors name the path; open errors wrap the *fs.PathError.
func ReadFile(path string, l Limit) ([]byte, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w (%s): want a %s of at most %s", path, ErrNotRegular, kind(fi.Mode()), l.What, l)
	}
	if fi.Size() > l.Bytes {
		return nil, fmt.Errorf("%s: %d bytes, %w of %s for a %s", path, fi.Size(), ErrTooLarge, l, l.What)
	}
	b, err := readAll(f, l)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// ReadAll reads r to its end, at most l.Bytes; name says what r is in
// errors ("stdin").
func ReadAll(r io.Reader, name string, l Limit) ([]byte, error) {
	b, err := readAll(r, l)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

// readAll reads through an io.LimitReader one byte past the limit, so input
// that grows while it is read is still bounded, and refused.
func readAll(r io.Reader, l Limit) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, l.Bytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > l.Bytes {
		return nil, fmt.Errorf("more than %d bytes, %w of %s for a %s", l.Bytes, ErrTooLarge, l, l.What)
	}
	return b, nil
}

// kind names a file mode that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "mode " + m.String()
}
