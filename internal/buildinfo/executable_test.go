package buildinfo

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helperEnv makes the test binary the helper of TestExecutableFile_Replaced.
const helperEnv = "MIGSIM_BUILDINFO_HELPER"

// TestExecutableFile_Replaced: a process whose binary was replaced on
// disk while it ran (a new build copied over the path) still hashes the
// binary it runs, so that a shard that ends after such a deploy records
// its own build, not the next one. The test runs a copy of its own binary
// as a helper, replaces that copy once the helper is running, then lets
// the helper hash its executable.
func TestExecutableFile_Replaced(t *testing.T) {
	if os.Getenv(helperEnv) == "1" {
		// The helper: say it runs, wait for the word, hash.
		fmt.Println("ready")
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			fmt.Println("error:", err)
			return
		}
		sum, err := hashOf(ExecutableFile)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println("hash:", sum)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("only Linux has /proc/self/exe: elsewhere the identity is of the file at the executable's path")
	}
	self, err := os.Executable()
	require.NoError(t, err)
	orig, err := os.ReadFile(self)
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "buildinfo.test")
	require.NoError(t, os.WriteFile(bin, orig, 0o755))

	cmd := exec.Command(bin, "-test.run=^TestExecutableFile_Replaced$")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	out := bufio.NewScanner(stdout)
	require.True(t, out.Scan(), "the helper starts")
	require.Equal(t, "ready", out.Text())

	// The next build, copied over the path (as cp or a deploy does it:
	// a new file renamed into place).
	next := append([]byte("another build "), orig...)
	require.NoError(t, os.WriteFile(bin+".new", next, 0o755))
	require.NoError(t, os.Rename(bin+".new", bin))
	_, err = io.WriteString(stdin, "go\n")
	require.NoError(t, err)

	var lines []string
	for out.Scan() {
		lines = append(lines, out.Text())
	}
	sum := sha256.Sum256(orig)
	want := "hash: sha256:" + hex.EncodeToString(sum[:])[:16]
	assert.Contains(t, lines, want, "the helper hashes the binary it runs; it said:\n%s", strings.Join(lines, "\n"))
}
