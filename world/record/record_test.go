package record

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/spec"
)

func TestTraceKindString(t *testing.T) {
	cases := map[TraceKind]string{TraceTLP: "tlp", TraceStep: "step", TraceMSIX: "msix", TraceDMA: "dma",
		TraceNote: "note", TraceAdmin: "admin", TraceState: "state", 99: "trace-99"}
	for k, want := range cases {
		assert.Equal(t, want, k.String())
	}
}

func TestDescribeState(t *testing.T) {
	assert.Equal(t, "mode Freeze, FLR in progress, reset in progress",
		DescribeState(spec.Draft2023, TraceMemberState{Mode: spec.ModeFreeze, FLRPending: true, ResetPending: true}))
	assert.Equal(t, "mode "+spec.Virtio14.ModeName(spec.ModeActive),
		DescribeState(spec.Virtio14, TraceMemberState{Mode: spec.ModeActive}))
}
