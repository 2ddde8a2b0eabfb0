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
