package net_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	membernet "github.com/migsim/migsim/member/net"
)

// TestDropReasonNames: every reason's name reads back as the reason, with
// its direction; an unknown name lists the names.
func TestDropReasonNames(t *testing.T) {
	tests := []struct {
		r   membernet.DropReason
		dir membernet.Dir
	}{
		{membernet.DropStopped, membernet.DirRx}, {membernet.DropFIFOFull, membernet.DirRx}, {membernet.DropFiltered, membernet.DirRx},
		{membernet.DropMTU, membernet.DirRx}, {membernet.DropRunt, membernet.DirRx}, {membernet.DropNoRoom, membernet.DirRx},
		{membernet.DropReset, membernet.DirRx}, {membernet.DropDMA, membernet.DirRx}, {membernet.DropTxRunt, membernet.DirTx},
		{membernet.DropTxOversize, membernet.DirTx}, {membernet.DropTxGSO, membernet.DirTx},
	}
	for _, tc := range tests {
		got, err := membernet.ParseDropReason(tc.r.String())
		require.NoError(t, err)
		assert.Equal(t, tc.r, got)
		assert.Equal(t, tc.dir, got.Dir(), tc.r.String())
		d, err := membernet.ParseDir(tc.dir.String())
		require.NoError(t, err)
		assert.Equal(t, tc.dir, d)
	}
	_, err := membernet.ParseDropReason("unknown")
	assert.ErrorContains(t, err, `unknown drop reason "unknown" (want one of stopped, fifo-full, filtered,`)
	_, err = membernet.ParseDir("sideways")
	assert.EqualError(t, err, `unknown direction "sideways" (want rx or tx)`)
}

// TestPortProxy: what a proxy of a member elsewhere does to a port and
// its link: takes the intake, holds and releases frames, records what the
// member reports; a link of its own records until the records are taken.
func TestPortProxy(t *testing.T) {
	link := membernet.NewLink(1, 1500)
	port := link.NewPort("src.vf1", 2)
	f1, f2 := link.Frame(link.MAC(), 0, -1, 60), link.Frame(link.MAC(), 0, -1, 60)
	port.Arrive(f1, f2)
	port.RequestAnnounce()
	arrived, announce := port.TakeIntake()
	assert.Equal(t, []membernet.Frame{f1, f2}, arrived)
	assert.True(t, announce)
	assert.Zero(t, port.Waiting())
	arrived, announce = port.TakeIntake()
	assert.Empty(t, arrived)
	assert.False(t, announce, "taken once")

	port.Hold(f1)
	port.Hold(f2)
	assert.Equal(t, []membernet.Frame{f1, f2}, port.HeldFrames())
	_, ok := port.Release(99, 0)
	assert.False(t, ok)
	got, ok := port.Release(f1.Seq, 0)
	require.True(t, ok)
	assert.Equal(t, f1, got)
	port.RecordDelivered(0, got)
	_, ok = port.Release(f2.Seq, membernet.DropReset)
	require.True(t, ok)
	port.RecordDrop(membernet.DirRx, f2.Seq, membernet.DropReset)
	port.RecordTransmit(1, []byte{1, 2, 3})
	assert.Equal(t, []membernet.RxRecord{{Port: "src.vf1", Queue: 0, Seq: f1.Seq, Len: len(f1.Data)}}, link.Delivered())
	assert.Equal(t, []membernet.Drop{{Port: "src.vf1", Dir: membernet.DirRx, Seq: f2.Seq, Reason: membernet.DropReset}}, link.Drops())
	assert.Equal(t, []membernet.TxRecord{{Port: "src.vf1", Queue: 1, Frame: membernet.Frame{Seq: 1, Data: []byte{1, 2, 3}}}}, link.Transmitted())
	assert.True(t, port.Fresh(), "a reset empties the FIFO as the member's does")
	fresh := link.NewPort("src.vf1", 2)
	assert.Equal(t, fresh.StateHash(), port.StateHash(), "the emptied port hashes as a new one")

	mac := devctx.MAC{0x52, 0x54, 0, 1, 2, 3}
	own := membernet.NewLinkAs(mac, 9000)
	assert.Equal(t, mac, own.MAC())
	assert.Equal(t, uint16(9000), own.MTU())
	p := own.NewPort("served", 4)
	p.RecordTransmit(1, []byte{9})
	p.RecordDrop(membernet.DirTx, 0, membernet.DropTxRunt)
	tx, rx, drops := own.TakeRecords()
	assert.Len(t, tx, 1)
	assert.Empty(t, rx)
	assert.Len(t, drops, 1)
	tx, rx, drops = own.TakeRecords()
	assert.Empty(t, tx)
	assert.Empty(t, rx)
	assert.Empty(t, drops)
}
