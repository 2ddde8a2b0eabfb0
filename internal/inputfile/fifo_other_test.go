//go:build !unix

package inputfile

// mkfifo reports that this system makes no FIFOs.
func mkfifo(string) bool { return false }
