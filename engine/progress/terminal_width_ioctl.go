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
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	var ws winsize
	var errno syscall.Errno
	err = rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	})
	if err != nil || errno != 0 {
		return 0
	}
	return int(ws.Col)
}
