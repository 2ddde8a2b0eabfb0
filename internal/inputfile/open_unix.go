//go:build unix

package inputfile

import (
	"os"
	"syscall"
)

// openFlags open without blocking: opening a FIFO for reading would wait
// for a writer before the type check could refuse it. Reads of a regular
// file are not affected.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
