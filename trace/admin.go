package trace

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/migsim/migsim/spec"
)

// AdminSummary is an admin record decoded by its edition: the command
// header, the mode a DEV_MODE_SET asks for, and the status. A part the
// record does not carry (a command shorter than its header, a
// DEV_MODE_SET without data, a result shorter than its status) is marked
// absent rather than read as zeros.
type AdminSummary struct {
	Edition spec.Edition
	// HasHeader is false when the command is shorter than 24 bytes.
	HasHeader bool
	Opcode    uint16
	Name      string
	Group     spec.GroupType
	Member    uint64
	// DataLen is the length of the command data (after the header).
	DataLen int
	// ModeSet is true for DEV_MODE_SET; HasMode when its data carries the
	// mode (draft-2023) or flags (virtio-1.4) byte; Mode the mode asked for
	// and Flags the virtio-1.4 flags byte.
	ModeSet, HasMode bool
	Mode             spec.Mode
	Flags            uint8
	// HasStatus is false when the result is shorter than 8 bytes.
	HasStatus bool
	Status    spec.Status
	Qualifier spec.Qualifier
	// ResultLen is the length of the result data (after the status).
	ResultLen int
}

// SummarizeAdmin decodes an admin record's command and result bytes for
// edition ed.
func SummarizeAdmin(ed spec.Edition, cmd, res []byte) AdminSummary {
	s := AdminSummary{Edition: ed}
	if len(cmd) >= spec.AdminCmdHeaderSize {
		s.HasHeader = true
		s.Opcode = binary.LittleEndian.Uint16(cmd[0:2])
		s.Group = spec.GroupType(binary.LittleEndian.Uint16(cmd[2:4]))
		s.Member = binary.LittleEndian.Uint64(cmd[16:24])
		s.Name = ed.OpcodeName(s.Opcode)
		s.DataLen = len(cmd) - spec.AdminCmdHeaderSize
		s.ModeSet = isModeSet(ed, s.Opcode)
		if s.ModeSet && s.DataLen > 0 {
			s.HasMode = true
			v := cmd[spec.AdminCmdHeaderSize]
			if ed == spec.Virtio14 {
				s.Flags = v
				s.Mode = spec.ModeActive
				if v&spec.DevModeFlagStopped != 0 {
					s.Mode = spec.ModeStop
				}
			} else {
				s.Mode = spec.Mode(v)
			}
		}
	}
	if len(res) >= spec.AdminResultHeaderSize {
		s.HasStatus = true
		s.Status = spec.Status(binary.LittleEndian.Uint16(res[0:2]))
		s.Qualifier = spec.Qualifier(binary.LittleEndian.Uint16(res[2:4]))
		s.ResultLen = len(res) - spec.AdminResultHeaderSize
	}
	return s
}

// isModeSet reports whether op is DEV_MODE_SET in edition ed. An edition
// migsim does not know has no DEV_MODE_SET (its opcodes have no names).
func isModeSet(ed spec.Edition, op uint16) bool {
	switch ed {
	case spec.Virtio14:
		return op == uint16(spec.OpDevModeSet)
	case spec.Draft2023:
		return op == uint16(spec.DraftOpDevModeSet)
	}
	return false
}

// Succeeded reports whether the result carries status OK.
func (s AdminSummary) Succeeded() bool { return s.HasStatus && s.Status == spec.StatusOK }

// ModeText names the mode a DEV_MODE_SET asks for: "Freeze",
// "stopped (flags 0x1)", or "absent (no command data)".
func (s AdminSummary) ModeText() string {
	if !s.HasMode {
		return "absent (no command data)"
	}
	if s.Edition == spec.Virtio14 {
		return fmt.Sprintf("%s (flags %#x)", s.Edition.ModeName(s.Mode), s.Flags)
	}
	if !s.Edition.HasMode(s.Mode) {
		return fmt.Sprintf("MODE_%d", uint8(s.Mode))
	}
	return s.Edition.ModeName(s.Mode)
}

// StatusText names the status: "OK", "EINVAL/INVALID_FIELD", or "absent
// (no result)".
func (s AdminSummary) StatusText() string {
	if !s.HasStatus {
		return "absent (no result)"
	}
	if s.Status == spec.StatusOK {
		return "OK"
	}
	return s.Status.String() + "/" + s.Qualifier.String()
}

// String renders the command and its outcome on one line:
//
//	DEV_MODE_SET SR-IOV member 1 mode=Freeze: OK
func (s AdminSummary) String() string {
	var b strings.Builder
	if !s.HasHeader {
		b.WriteString("command header absent")
	} else {
		fmt.Fprintf(&b, "%s %s member %d", s.Name, s.Group, s.Member)
		if s.ModeSet {
			b.WriteString(" mode=" + s.ModeText())
		} else if s.DataLen > 0 {
			fmt.Fprintf(&b, " data=%dB", s.DataLen)
		}
	}
	b.WriteString(": " + s.StatusText())
	if s.ResultLen > 0 {
		fmt.Fprintf(&b, " result=%dB", s.ResultLen)
	}
	return b.String()
}
