package cmdbase

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
)

// TestDeviceErrorExit: the exit status of an error the kit returns before
// it runs anything: a program that cannot start is the user's input (2), a
// handshake cut short by Ctrl-C an interruption (130), a program that broke
// the protocol in its handshake the user's input too (2: no device of the
// protocol, nothing judged), a device that broke it while judged a finding
// (1), the kit's line limit the user's input (2),
// never the device's failure.
func TestDeviceErrorExit(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"cannot start", fmt.Errorf("conformance: device exec:x: %w", &extdevice.StartError{Command: "x", Err: os.ErrPermission}), ExitUsage},
		{"interrupted handshake", fmt.Errorf("conformance: device exec:x: %w", &extdevice.Error{Command: "x", Request: "hello (request 1)", Interrupted: true}), ExitInterrupted},
		{"protocol error in the handshake", fmt.Errorf("conformance: device exec:x: %w", &extdevice.Error{Command: "x", Request: "hello (request 1)", What: "no reply within 5s", Handshake: true}), ExitUsage},
		{"protocol error while judged", fmt.Errorf("conformance: device exec:x: %w", &extdevice.Error{Command: "x", Request: "event 3 (request 4)", What: "no reply within 5s"}), ExitFinding},
		{"the kit's line limit, before any run", fmt.Errorf("conformance: replay f.json: netlimit: scenario s: %w: vf 1", extdevice.ErrKitLimit), ExitUsage},
		{"the kit's line limit, in a run", &extdevice.Error{Command: "x", Request: "event backend (request 4)", Limit: true}, ExitUsage},
		{"other", errors.New("conformance: something else"), ExitFinding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, DeviceErrorExit(tc.err))
		})
	}
}
