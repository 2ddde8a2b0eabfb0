//go:build !unix

package extdevice

import "os/exec"

// ownProcessGroup does nothing where process groups are not available.
func ownProcessGroup(*exec.Cmd) {}

// killProcess kills the command's process.
func killProcess(c *exec.Cmd) {
	if c.Process != nil {
		_ = c.Process.Kill()
	}
}

// killLeftovers does nothing where process groups are not available.
func killLeftovers(*exec.Cmd) {}
