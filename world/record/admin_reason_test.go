package record

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAdminReason: the reason is the last note of a member that failed the
// command the message names with the status it names.
func TestAdminReason(t *testing.T) {
	// A flow error's finding names the command without the owner's
	// package: the owner's error read as the user reads it.
	const msg = "x.scn:30: write: write dst vf1: DEV_CTX_WRITE (SR-IOV member 1): EINVAL/INVALID_FIELD"
	note := func(host, target, text string) TraceEvent {
		return TraceEvent{Kind: TraceNote, Host: host, Target: target, Text: text}
	}
	for _, tc := range []struct {
		name        string
		events      []TraceEvent
		who, reason string
	}{
		{"the member's note", []TraceEvent{
			note("dst", "vf1", "admin tag 2 (DEV_CTX_WRITE) reply held"),
			note("dst", "vf1", "admin tag 2 (DEV_CTX_WRITE): EINVAL/INVALID_FIELD: DEV_CTX_WRITE outside Freeze"),
			note("dst", "pf", "admin command 4 (DEV_CTX_WRITE): EINVAL/INVALID_FIELD"),
		}, "dst.vf1", "DEV_CTX_WRITE outside Freeze"},
		{"the last of two", []TraceEvent{
			note("dst", "vf1", "admin tag 1 (DEV_CTX_WRITE): EINVAL/INVALID_FIELD: first"),
			note("dst", "vf1", "admin tag 2 (DEV_CTX_WRITE): EINVAL/INVALID_FIELD: second"),
		}, "dst.vf1", "second"},
		{"another command", []TraceEvent{note("dst", "vf1", "admin tag 2 (DEV_MODE_SET): EINVAL/INVALID_FIELD: no")}, "", ""},
		{"another status", []TraceEvent{note("dst", "vf1", "admin tag 2 (DEV_CTX_WRITE): EBUSY/NONE: busy")}, "", ""},
		{"not a note", []TraceEvent{{Kind: TraceStep, Host: "dst", Target: "vf1",
			Text: "admin tag 2 (DEV_CTX_WRITE): EINVAL/INVALID_FIELD: x"}}, "", ""},
		{"none", nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			who, reason := AdminReason(tc.events, msg)
			assert.Equal(t, tc.who, who)
			assert.Equal(t, tc.reason, reason)
		})
	}
}
