//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package progress

import (
	"os"
	"syscall"
	"unsafe"
)

// winsize is struct winsize of <sys/ioctl.h>, which TIOCGWINSZ fills.
type winsize struct {
	Row, Col, Xpixel, Ypixel uint16
}

// windowWidth returns the columns of the terminal f is, by the TIOCGWINSZ
// ioctl (tty_ioctl(4)); 0 when it fails (f is not a terminal) or the
// terminal does not know its width.
func windowWidth(f *os.File) int {
	ws, ok := windowSize(f)
	if !ok {
		return 0
	}
	return int(ws.Col)
}

// isTTY reports whether f answers the TIOCGWINSZ ioctl, which only a
// terminal does: the null device, also a character device, fails it with
// ENOTTY. A terminal that does not know its size answers with zeros.
func isTTY(f *os.File) bool {
	_, ok := windowSize(f)
	return ok
}

// windowSize asks the terminal f is for its size (TIOCGWINSZ).
func windowSize(f *os.File) (winsize, bool) {
	var ws winsize
	rc, err := f.SyscallConn()
	if err != nil {
		return ws, false
	}
	var errno syscall.Errno
	err = rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	})
	return ws, err == nil && errno == 0
}
