//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package progress

import "os"

// windowWidth is 0 where the TIOCGWINSZ ioctl is not available: only
// COLUMNS gives the terminal's width there.
func windowWidth(*os.File) int { return 0 }

// isTTY cannot ask the device where the TIOCGWINSZ ioctl is not
// available: every character device counts as a terminal there.
func isTTY(*os.File) bool { return true }
