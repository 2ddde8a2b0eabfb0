package progress

import (
	"os"
	"strconv"
)

// TerminalWidth returns the width in columns of the terminal f is: the
// COLUMNS environment variable when it holds a positive number, else what
// the terminal says of itself (the TIOCGWINSZ ioctl, tty_ioctl(4), where
// the system has it). It returns 0 when f is not a terminal (IsTerminal)
// or its width cannot be found.
func TerminalWidth(f *os.File) int {
	if !IsTerminal(f) {
		return 0
	}
	return widthFrom(os.Getenv("COLUMNS"), func() int { return windowWidth(f) })
}

// widthFrom is TerminalWidth's choice: columns (COLUMNS's value) when it
// is a positive number, else what window returns.
func widthFrom(columns string, window func() int) int {
	if n, err := strconv.Atoi(columns); err == nil && n > 0 {
		return n
	}
	return window()
}
