//go:build unix

package extdevice

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the command in a process group of its own, so that
// killing it also kills whatever it started.
func ownProcessGroup(c *exec.Cmd) { c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killProcess kills the process group of a command started by
// ownProcessGroup.
func killProcess(c *exec.Cmd) {
	if c.Process == nil {
		return
	}
	_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
	_ = c.Process.Kill()
}

// killLeftovers kills what a command started by ownProcessGroup left
// running in its process group when it ended (a child holding its output
// open, a helper it never waited for), so that no process of a device
// outlives it. Called once the command has been waited for: while the
// group has a member its id, the command's pid, is not reused.
func killLeftovers(c *exec.Cmd) { _ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
