//go:build unix

package inputfile

import "syscall"

// mkfifo makes a FIFO at path and reports whether it could.
func mkfifo(path string) bool { return syscall.Mkfifo(path, 0o644) == nil }
