package extdevice_test

import (
	"bufio"
	"fmt"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// extnetInfo is what examples/extnet declares in its hello.
var extnetInfo = extdevice.Info{Name: "extnet (the reference virtio-net)", Editions: spec.Editions, Knobs: extdevice.AllKnobs(),
	Type: extdevice.TypeNet}

func serveNet(r io.Reader, w io.Writer) error {
	return extdevice.Serve(r, w, membernet.New, extnetInfo)
}

// netLife drives virtio-net devices on one port of a link as a world does:
// frames arrive (one for another address, more than the FIFO holds), a
// second device replaces the first on the same port while frames are
// held, the link goes down with an announce request, and a virtio reset
// drops what the device holds. It returns every effect, status and digest,
// and the hashes of the port and the link after each event.
func netLife(t *testing.T, f member.Factory) (fxs []member.Effects, sts []member.Status, dgs []uint64, hashes []uint64) {
	t.Helper()
	link := membernet.NewLink(3, membernet.DefaultMTU)
	port := link.NewPort("src.vf1", 4)
	build := func() member.Device {
		return f(member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), VF: 1, RID: rid, BAR0: bar0,
			Mem: virtq.NewGuestMemory(), Backing: port})
	}
	var d member.Device
	record := func(fx member.Effects) {
		fxs, sts, dgs = append(fxs, fx), append(sts, d.Status()), append(dgs, d.ContextDigest())
		hashes = append(hashes, port.StateHash(), link.StateHash())
	}
	handle := func(ev member.Event) { record(d.Handle(ev)) }
	d = build()
	record(member.Effects{})
	other := devctx.MAC{0x02, 0, 0, 0, 0, 9}
	port.Arrive(link.Frame(link.MAC(), 1, -1, 64), link.Frame(other, 1, -1, 64))
	for range 4 {
		port.Arrive(link.Frame(link.MAC(), 2, -1, 80))
	}
	handle(member.Event{Kind: member.EvBackend})
	require.Equal(t, 4, port.Held(), "the FIFO is full")
	require.Len(t, link.Drops(), 2, "one filtered, one over the FIFO")
	d = build() // its reset drops the frames the port holds
	record(member.Effects{})
	port.Arrive(link.Frame(link.MAC(), 3, -1, 70))
	port.SetLinkUp(false)
	port.RequestAnnounce()
	handle(member.Event{Kind: member.EvBackend})
	handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: 1, Addr: bar0 + pcie.BAR0DeviceCfg, Len: 12}})
	handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: 1, Addr: bar0 + uint64(spec.CfgDeviceStatus), Data: []byte{0}}})
	require.Equal(t, 0, port.Held(), "the reset dropped the FIFO")
	require.Len(t, link.Drops(), 2+4+1)
	return fxs, sts, dgs, hashes
}

// TestServedNetMatchesInProcess: the reference virtio-net served over the
// protocol leaves the world's port and link as the in-process device does
// after every event (their state hashes: the frames held and waiting, the
// link state, what was delivered and dropped and why), and answers every
// event alike.
func TestServedNetMatchesInProcess(t *testing.T) {
	pool, err := extdevice.StartServed("extnet", serveNet, extdevice.Options{Procs: 1})
	require.NoError(t, err)
	defer pool.Close()
	assert.Equal(t, extdevice.TypeNet, pool.Info().Type)
	wantFx, wantSt, wantDg, wantHashes := netLife(t, membernet.New)
	gotFx, gotSt, gotDg, gotHashes := netLife(t, pool.Factory())
	sameEffects(t, wantFx, gotFx)
	assert.Equal(t, wantSt, gotSt)
	assert.Equal(t, wantDg, gotDg)
	assert.Equal(t, wantHashes, gotHashes, "the port and the link after each event")
	require.NoError(t, pool.Err())
}

// scripted is a serve function that declares hello (a line without id),
// answers every new with a ready and every event with effects (lines
// without id; the request's is added), calling each of onEvent first.
func scripted(hello, effects string, onEvent ...func()) func(io.Reader, io.Writer) error {
	return scriptedReady(hello, `"op":"ready","status":{"mode":0,"device_status":0},"digest":"0x0"}`, effects, onEvent...)
}

// scriptedReady is scripted with the reply to every new given too.
func scriptedReady(hello, ready, effects string, onEvent ...func()) func(io.Reader, io.Writer) error {
	return func(r io.Reader, w io.Writer) error {
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadBytes('\n')
			if err != nil {
				return nil
			}
			m, err := extdevice.DecodeMessage(line[:len(line)-1])
			if err != nil {
				return err
			}
			reply := ready
			switch m.Op {
			case extdevice.OpHello:
				reply = hello
			case extdevice.OpEvent:
				reply = effects
				for _, f := range onEvent {
					f()
				}
			}
			if _, err := fmt.Fprintf(w, "{\"id\":%d,%s\n", m.ID, reply); err != nil {
				return err
			}
		}
	}
}

// TestNetProtocolErrors: a device's account of its network side that
// cannot be true, or one from a device that did not declare virtio-net,
// is a protocol error naming the request and the field.
func TestNetProtocolErrors(t *testing.T) {
	const net = `"op":"hello","protocol":1,"type":"net"}`
	const state = `"status":{"mode":0,"device_status":0},"digest":"0x0"}`
	tests := []struct {
		name, hello, effects string
		want                 []string
	}{
		{"delivers a frame it does not hold", net, `"op":"effects","wire":{"rx":[{"queue":0,"seq":1}]},` + state,
			[]string{"event backend for device 1 (vf 1) (request 3)", "effects: wire.rx[0].seq: frame 1 is not held"}},
		{"holds a frame that did not arrive", net, `"op":"effects","wire":{"held":[7]},` + state,
			[]string{"(request 3)", "effects: wire.held[0]: frame 7 is not an arrival of this request still to take in"}},
		{"drops with an unknown reason", net, `"op":"effects","wire":{"drops":[{"dir":"rx","seq":1,"reason":"bored"}]},` + state,
			[]string{"(request 3)", `effects: wire.drops[0].reason: unknown drop reason "bored"`}},
		{"a blk device with a wire", `"op":"hello","protocol":1}`, `"op":"effects","wire":{"tx":[{"queue":1,"data":"00"}]},` + state,
			[]string{"(request 3)", "effects: wire from a device that did not declare type net"}},
		{"an unknown type", `"op":"hello","protocol":1,"type":"scsi"}`, "",
			[]string{"hello (request 1)", `hello: type: unknown device type "scsi" (want blk or net)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pool, err := extdevice.StartServed("net-dev", scripted(tc.hello, tc.effects), extdevice.Options{Timeout: 2 * time.Second, Procs: 1})
			var got *extdevice.Error
			if err != nil {
				require.ErrorAs(t, err, &got)
			} else {
				defer pool.Close()
				link := membernet.NewLink(1, membernet.DefaultMTU)
				port := link.NewPort("src.vf1", 4)
				got = catch(func() {
					d := pool.Factory()(member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, Mem: virtq.NewGuestMemory(), Backing: port})
					d.Handle(member.Event{Kind: member.EvBackend})
				})
			}
			require.NotNil(t, got)
			assert.False(t, got.Fault)
			for _, w := range tc.want {
				assert.Contains(t, got.Error(), w)
			}
		})
	}
}

// TestProcessesDeclareOneType: a process the pool starts later that
// declares another device type than its first is a protocol error of its
// hello, and ends the pool.
func TestProcessesDeclareOneType(t *testing.T) {
	var starts atomic.Int32
	gotEvent, release := make(chan struct{}), make(chan struct{})
	serve := func(r io.Reader, w io.Writer) error {
		hello := `"op":"hello","protocol":1,"type":"net"}`
		if starts.Add(1) > 1 {
			hello = `"op":"hello","protocol":1}`
		}
		return scripted(hello, `"op":"effects","status":{"mode":0,"device_status":0},"digest":"0x0"}`, func() {
			close(gotEvent)
			<-release
		})(r, w)
	}
	pool, err := extdevice.StartServed("net-dev", serve, extdevice.Options{Timeout: 5 * time.Second, Procs: 2})
	require.NoError(t, err)
	defer pool.Close()
	cfg := member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, Mem: virtq.NewGuestMemory()}
	d := pool.Factory()(cfg)
	done := make(chan struct{})
	go func() {
		defer close(done)
		catch(func() { d.Handle(member.Event{Kind: member.EvBackend}) })
	}()
	<-gotEvent // the first process is busy: the next device starts a second one
	got := catch(func() { pool.Factory()(cfg) })
	close(release)
	<-done
	require.NotNil(t, got)
	assert.Contains(t, got.Error(), "hello: hello declares type blk, the pool's first process declared net")
	assert.Equal(t, got, pool.Err())
}
