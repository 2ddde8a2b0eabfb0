//go:build !unix

package main

import "testing"

// fifoPath skips the test: this system has no FIFOs.
func fifoPath(t *testing.T, _ string) string {
	t.Skip("no FIFOs on this system")
	return ""
}
