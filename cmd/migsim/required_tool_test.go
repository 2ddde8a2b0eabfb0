package main

import (
	"os"
	"os/exec"
	"testing"
)

// requiredTool returns the path of the program name. Without it the test
// skips, saying what is not run (without), unless the environment
// variable env is set (.ci/run sets it once it has installed the
// program), which makes it fail.
func requiredTool(t *testing.T, name, env, without string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(env) != "" {
			t.Fatalf("%s is set but %s is not installed: %v", env, name, err)
		}
		t.Skipf("%s not installed: %s (.ci/run requires it)", name, without)
	}
	return p
}
