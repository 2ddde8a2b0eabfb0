package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// TestCommandLine: the command line of a device names it as the kit ran
// it, after any migsim command; a device no command line names has none.
func TestCommandLine(t *testing.T) {
	tests := []struct {
		name    string
		dev     Device
		command string
		rest    string
		want    string
	}{
		{"builtin trace", builtin(t, "builtin:mutant/mode-get-lies"), "trace", "f.json --format text",
			"migsim trace --device builtin:mutant/mode-get-lies f.json --format text"},
		{"a caller's factory under a builtin name", FactoryDevice("builtin:blk", blk.New), "trace", "f.json", ""},
		{"exec report", ExecDevice([]string{"./my dev", "-v"}, extdevice.Options{Timeout: 2 * time.Second}), "report", "f.json",
			"migsim report --device 'exec:./my dev' f.json --timeout 2s -- -v"},
		{"served", ServedDevice("blk", nil, extdevice.Options{}), "trace", "f.json", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := CommandLine(tc.dev, tc.command, tc.rest)
			assert.Equal(t, tc.want != "", ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestScheduleTarget: a schedule's target with a device builds its
// members with the device, and one of the other device type is refused.
func TestScheduleTarget(t *testing.T) {
	sc, err := catalog.ReadScheduleFile("../catalog/testdata/regress/flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway.json")
	require.NoError(t, err)
	tg, done, err := ScheduleTarget(context.Background(), FactoryDevice("builtin:blk", blk.New), sc)
	require.NoError(t, err)
	assert.NotNil(t, tg.Member)
	assert.Nil(t, tg.NetMember)
	res, events, err := tg.Record(sc, engine.RunConfig{})
	require.NoError(t, err, "the reference device replays the reference's schedule")
	assert.NotNil(t, res.Finding)
	assert.NotEmpty(t, events)
	require.NoError(t, done())

	_, _, err = ScheduleTarget(context.Background(), NetFactoryDevice("builtin:net", membernet.New), sc)
	require.ErrorIs(t, err, ErrDeviceType)
	assert.Contains(t, err.Error(), "builtin:net is virtio-net, the schedule's VFs are virtio-blk")
}
