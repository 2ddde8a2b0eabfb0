package extdevice_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
)

// TestError_Kind: an Error's kind follows what its message says first
// (interrupted, then the kit's limit, then a fault, else a protocol
// error), it is what the engine's mark of its panic carries
// (DeviceErrorKind), and only a protocol error, a fault or an
// interruption is a finding of the device; a string that reads like an
// Error's message is none, wrapped or not.
func TestError_Kind(t *testing.T) {
	for _, tc := range []struct {
		e       extdevice.Error
		kind    string
		words   string
		finding bool
	}{
		{extdevice.Error{}, extdevice.KindProtocol, "protocol: ", true},
		{extdevice.Error{Fault: true}, extdevice.KindFault, "device fault: ", true},
		{extdevice.Error{Limit: true, Fault: true}, extdevice.KindLimit, "kit limit: ", false},
		{extdevice.Error{Interrupted: true, Limit: true}, extdevice.KindInterrupted, "interrupted: ", true},
	} {
		e := tc.e
		e.Command, e.Request, e.What = "./dev", "event 3 (request 4)", "what"
		assert.Equal(t, tc.kind, e.Kind())
		var marked interface{ DeviceErrorKind() string } = &e
		assert.Equal(t, tc.kind, marked.DeviceErrorKind())
		assert.True(t, strings.HasPrefix(e.Error(), extdevice.ErrorPrefix+tc.words), e.Error())
		assert.Equal(t, tc.finding, extdevice.IsDeviceFindingKind(tc.kind), tc.kind)
		assert.Equal(t, tc.kind == extdevice.KindFault, extdevice.IsDeviceFaultKind(tc.kind), tc.kind)
		assert.Equal(t, tc.finding, extdevice.IsDeviceFinding(&e), tc.kind)
		assert.Equal(t, tc.finding, extdevice.IsDeviceFinding(fmt.Errorf("device x: %w", &e)), "%s, wrapped", tc.kind)
		assert.False(t, extdevice.IsDeviceFinding(errors.New(e.Error())), "%s: its text alone", tc.kind)
	}
	assert.False(t, extdevice.IsDeviceFindingKind(""), "an unmarked finding")
	assert.False(t, extdevice.IsDeviceFaultKind(""), "an unmarked finding")
}
