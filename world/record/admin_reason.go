package record

import "strings"

// AdminReason returns the reason a member gave, in its trace notes, for
// the last admin command that failed as a flow error's message reports it
// (message holds ": OP (", "write dst vf1: DEV_CTX_WRITE (SR-IOV member
// 1)", or "owner: OP (" as the owner's error reads it, and the status
// "STATUS/QUALIFIER"), and the
// member's name: a member notes a failed command as "admin tag N (OP):
// STATUS/QUALIFIER: REASON" (package member). The host sees the status
// only; the reason is the device's own account, for the reader. Empty
// when no note matches (a quiet device, an exec device that notes none).
func AdminReason(events []TraceEvent, message string) (who, reason string) {
	for i := len(events) - 1; i >= 0; i-- {
		e := &events[i]
		if e.Kind != TraceNote {
			continue
		}
		rest, ok := strings.CutPrefix(e.Text, "admin tag ")
		if !ok {
			continue
		}
		_, rest, ok = strings.Cut(rest, " (")
		if !ok {
			continue
		}
		op, rest, ok := strings.Cut(rest, "): ")
		if !ok {
			continue
		}
		status, why, ok := strings.Cut(rest, ": ")
		if ok && why != "" && strings.Contains(message, ": "+op+" (") && strings.Contains(message, ": "+status) {
			if e.Target == "" {
				return e.Host, why
			}
			return e.Host + "." + e.Target, why
		}
	}
	return "", ""
}
