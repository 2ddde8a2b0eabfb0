package netunits

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// mtuForgetter is a planted virtio-net destination that takes mtu from a
// default of its own (member/net's DefaultMTU) once its state is written
// to it (DEV_PARTS_SET, or DEV_CTX_WRITE in draft-2023), instead of the
// mtu it was provisioned with and its source showed: the guest then reads
// that mtu from virtio_net_config, and frames longer than it arriving on
// its port are dropped (counted DropMTU) before its intake sees them.
type mtuForgetter struct {
	member.Device
	port     *membernet.Port
	ed       spec.Edition
	restored bool
	// showOnly: the destination shows the default mtu but receives by the
	// provisioned one (the frames pass).
	showOnly bool
	// dropOnly: the destination shows the provisioned mtu but receives
	// by the default one.
	dropOnly bool
}

func (d *mtuForgetter) Handle(ev member.Event) member.Effects {
	switch {
	case ev.Kind == member.EvAdmin && (d.ed == spec.Draft2023 && spec.DraftOpcode(ev.Admin.Opcode) == spec.DraftOpDevCtxWrite ||
		d.ed != spec.Draft2023 && spec.Opcode(ev.Admin.Opcode) == spec.OpDevPartsSet):
		d.restored = true
	case d.restored && !d.showOnly && ev.Kind == member.EvBackend:
		arrived, announce := d.port.TakeIntake()
		for _, f := range arrived {
			if len(f.Data) > membernet.DefaultMTU+14 {
				d.port.RecordDrop(membernet.DirRx, f.Seq, membernet.DropMTU)
				continue
			}
			d.port.Arrive(f)
		}
		if announce {
			d.port.RequestAnnounce()
		}
	}
	fx := d.Device.Handle(ev)
	at := harness.RigBAR0 + pcie.BAR0DeviceCfg + cfgMTU
	if d.restored && !d.dropOnly && ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemRead && ev.TLP.Addr <= at && ev.TLP.Addr+uint64(len(fx.ReadData)) >= at+2 {
		fx.ReadData = append([]byte(nil), fx.ReadData...)
		binary.LittleEndian.PutUint16(fx.ReadData[at-ev.TLP.Addr:], membernet.DefaultMTU)
	}
	return fx
}

// TestMTURoundTripBlame: the reference passes net-mtu-round-trip in both
// editions, on checks; a destination that takes the default mtu 1500
// instead of the provisioned 9000 its source showed fails NET-DEV-01 in
// the mtu the guest reads and in the frame within 9000 it drops; one that
// shows 9000 but drops by 1500 fails NET-DEV-02; one that shows 1500 and
// receives by 9000, NET-DEV-01 alone.
func TestMTURoundTripBlame(t *testing.T) {
	plant := func(showOnly, dropOnly bool) member.Factory {
		return func(c member.Config) member.Device {
			return &mtuForgetter{Device: membernet.New(c), port: c.Backing.(*membernet.Port), ed: c.Edition, showOnly: showOnly, dropOnly: dropOnly}
		}
	}
	const (
		shown   = "the guest reads mtu 1500 from the destination's virtio_net_config after the resume, where the source showed 9000"
		dropped = "a 3000-byte frame arriving after the resume is in no receive buffer"
	)
	for _, tc := range []struct {
		name  string
		f     member.Factory
		reqs  []string
		words []string
	}{
		{"reference", membernet.New, nil, nil},
		{"takes-default-mtu", plant(false, false), []string{"NET-DEV-01"}, []string{shown, dropped, "the destination took mtu 1500 (above) instead of the source's"}},
		{"drops-by-default-mtu", plant(false, true), []string{"NET-DEV-02"}, []string{dropped, "the destination shows mtu 9000 and drops a frame within it"}},
		{"shows-default-mtu", plant(true, false), []string{"NET-DEV-01"}, []string{shown}},
	} {
		for _, ed := range spec.Editions {
			t.Run(tc.name+"/"+ed.String(), func(t *testing.T) {
				c := &harness.Check{Ed: ed, Rules: spec.DefaultRules(ed), Factory: tc.f, ID: "NET-DEV-01", Net: true}
				c.Run(mtuRoundTrip)
				require.NoError(t, c.Fatal)
				require.Empty(t, c.Skipped)
				got, msgs := c.Charged()
				assert.ElementsMatch(t, tc.reqs, got, "%q", msgs)
				for _, w := range tc.words {
					assert.Contains(t, strings.Join(msgs, "\n"), w)
				}
				if tc.reqs == nil {
					assert.Positive(t, c.Asserted, "the reference passes on checks, not on none")
				}
			})
		}
	}
}
