package observe

import (
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/ownerview"
)

// ReceivedPass is the pass of HookReceived: the owner driver read the
// completion of a command it had sent to a member. The world reuses one
// pass: it is valid only during the call.
type ReceivedPass struct {
	Pass
	// Who is the hypervisor actor; Member the member the command addressed.
	Who    string
	Member MemberView
	// Opcode is the command's opcode in the world's edition, Data its
	// command-specific data; Status, Qualifier and Result what the host
	// read back.
	Opcode    uint16
	Data      []byte
	Status    spec.Status
	Qualifier spec.Qualifier
	Result    []byte
	// Before is what the host knew of the member before this completion,
	// After what it knows now.
	Before, After ownerview.OwnerView
	// ModeGet is set for a draft DEV_MODE_GET that succeeded; Mode is the
	// mode it returned.
	ModeGet bool
	Mode    spec.Mode
	// Read is the context or parts read this completion finished, if any.
	Read *ownerview.ContextRead
}

// OpName names the command in the world's edition.
func (p *ReceivedPass) OpName() string { return p.Edition().OpcodeName(p.Opcode) }
