package progress

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openPTY opens a pseudo-terminal pair (pty(7): /dev/ptmx, unlocked,
// its peer under /dev/pts) whose window is cols columns wide, and returns
// the terminal end.
func openPTY(t *testing.T, cols uint16) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	require.NoError(t, err, "a pseudo-terminal for the test")
	t.Cleanup(func() { _ = ptmx.Close() })
	ioctl := func(req uintptr, arg unsafe.Pointer) {
		rc, err := ptmx.SyscallConn()
		require.NoError(t, err)
		var errno syscall.Errno
		require.NoError(t, rc.Control(func(fd uintptr) {
			_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(arg))
		}))
		require.Zero(t, errno, "ioctl %#x", req)
	}
	unlock := int32(0)
	ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	var n uint32
	ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n))
	ws := winsize{Row: 24, Col: cols}
	ioctl(syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tty.Close() })
	return tty
}

// A terminal's width is its window's, or COLUMNS's when that is a
// positive number.
func TestTerminalWidthOfAPseudoTerminal(t *testing.T) {
	tty := openPTY(t, 123)
	t.Setenv("COLUMNS", "")
	assert.Equal(t, 123, TerminalWidth(tty))
	t.Setenv("COLUMNS", "77")
	assert.Equal(t, 77, TerminalWidth(tty))
	t.Setenv("COLUMNS", "0")
	assert.Equal(t, 123, TerminalWidth(tty))
	assert.Equal(t, 0, TerminalWidth(openPTY(t, 0)), "a terminal that does not know its width")
}

// A pseudo-terminal is a terminal; the null device, a character device
// too, is not: `> /dev/null` gets what a file gets.
func TestIsTerminal_NullDeviceIsNot(t *testing.T) {
	assert.True(t, IsTerminal(openPTY(t, 80)))
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = null.Close() })
	assert.False(t, IsTerminal(null))
	t.Setenv("COLUMNS", "90")
	assert.Equal(t, 0, TerminalWidth(null))
}
