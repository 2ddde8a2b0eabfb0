package throughput

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// dev is a Device of a factory, or one that fails to open.
type dev struct {
	f   member.Factory
	err error
}

func (d dev) Name() string { return "test" }

// netDev is a virtio-net Device.
type netDev struct{ dev }

func (netDev) DeviceType() string { return "net" }
func (d dev) Open() (member.Factory, func() error, error) {
	return d.f, func() error { return nil }, d.err
}

// TestMeasure: the reference runs the bench row's schedules, each one
// executed (the memo is off), and a device that does not open is an
// error; the rate is runs per second, zero for no time.
func TestMeasure(t *testing.T) {
	r, err := Measure(context.Background(), dev{f: blk.New}, 4, 1)
	require.NoError(t, err)
	assert.Equal(t, Result{Device: "test", Row: "smoke-migrate/draft-2023", Runs: 4, Elapsed: r.Elapsed}, r)
	r, err = Measure(context.Background(), netDev{dev{f: membernet.New}}, 4, 1)
	require.NoError(t, err)
	assert.Equal(t, Result{Device: "test", Row: "net-mac-table-before-stop/draft-2023", Runs: 4, Elapsed: r.Elapsed}, r)
	_, err = Measure(context.Background(), dev{err: errors.New("no such program")}, 4, 1)
	assert.ErrorContains(t, err, "no such program")
	for _, tc := range []struct {
		r    Result
		want float64
	}{
		{Result{Runs: 10, Elapsed: 2 * time.Second}, 5},
		{Result{Runs: 10}, 0},
	} {
		assert.Equal(t, tc.want, tc.r.PerSecond())
	}
}
