//go:build !unix

package inputfile

import "os"

// openFlags open for reading.
const openFlags = os.O_RDONLY
