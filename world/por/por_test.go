package por

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/owner"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		kind ActorKind
		rest string
		want Step
	}{
		{ActorGuest, "mmio-write 0x1000=01", Step{Kind: KindGuestTLP, TLP: true}},
		{ActorGuest, "signal go", Step{Kind: KindGuest, Sub: GuestSignal, Sig: FNV32("go")}},
		{ActorGuest, "frobnicate", Step{Kind: KindAll}},
		{ActorHV, "switchover dst", Step{Kind: KindHV, Sub: HVSwitch, Host: "dst"}},
		{ActorHV, "src pf mmio-write 0x2000=01", Step{Kind: KindHV, Sub: HVPlain, Host: "src", PFAccess: true, Doorbell: true, Addr: 0x2000}},
		{ActorHV, "src frobnicate", Step{Kind: KindAll, Host: "src"}},
		{ActorPeer, "p2p-kick vf2 q0", Step{Kind: KindPeer, Sub: PeerTLP, VF: 2}},
		{ActorPeer, "p2p-kick vfx", Step{Kind: KindAll}},
		{ActorPeer, "rx vf1 n=2 flow=0", Step{Kind: KindPeer, Sub: PeerWire, VF: 1}},
		{ActorPeer, "link vf3 down", Step{Kind: KindPeer, Sub: PeerWire, VF: 3}},
		{ActorPeer, "announce vf1", Step{Kind: KindPeer, Sub: PeerWire, VF: 1}},
		{ActorPeer, "rx wire", Step{Kind: KindAll}},
		{0, "sleep", Step{Kind: KindAll}},
	}
	for _, tc := range cases {
		t.Run(tc.rest, func(t *testing.T) {
			assert.Equal(t, tc.want, Classify(tc.kind, tc.rest))
		})
	}
}

func TestFootprintIndependence(t *testing.T) {
	s := &Shape{VMVFs: []int{1}, GuestVFs: []int{1, 2}, LoadVFs: []int{1}}
	h := s.Hash()
	vf1 := s.Footprint(h, Key{Kind: KindVF, H: 0, A: 1})
	vf2 := s.Footprint(h, Key{Kind: KindVF, H: 0, A: 2})
	pf := s.Footprint(h, Key{Kind: KindPF, H: 0})
	otherHost := s.Footprint(h, Key{Kind: KindVF, H: 1, A: 1})
	assert.Equal(t, vf1, s.Footprint(h, Key{Kind: KindVF, H: 0, A: 1}), "built once, cached")
	assert.True(t, HasResource(vf1.Writes(), ResFunc(0, owner.Target(1))))
	assert.True(t, HasResource(pf.Writes(), ResHost(ClassGroup, 0)))
	assert.True(t, HasResource(vf1.Reads(), ResHost(ClassGroup, 0)), "a member event reads its group")
	assert.False(t, HasResource(vf2.Writes(), ResFunc(0, owner.Target(1))))
	assert.False(t, HasResource(otherHost.Writes(), ResFunc(0, owner.Target(1))))
	assert.Equal(t, FPAll, s.Footprint(h, Key{Kind: KindAll}))
	wire := s.Footprint(h, Key{Kind: KindPeer, Sub: PeerWire, NH: 2, H: 1, A: 1})
	assert.True(t, HasResource(wire.Writes(), ResFunc(1, owner.Target(1))), "a wire step reaches its VF's member")
	assert.True(t, HasResource(wire.Writes(), ResHost(ClassVMMode, 1)), "as a backend event, which may change its mode")
	assert.True(t, HasResource(wire.Writes(), ResDisk), "as a backend event")
	assert.True(t, HasResource(wire.Reads(), ResVM), "where the VF runs")
	assert.False(t, HasResource(wire.Writes(), ResAll))
	assert.False(t, wire.Conflicts(s.Footprint(h, Key{Kind: KindGuest, Sub: GuestPlain, H: 0, A: 1})), "the guest of another VM")
	assert.NotEqual(t, h, (&Shape{VMVFs: []int{1}, GuestVFs: []int{1, 2}, LoadVFs: []int{1}, Rollback: true}).Hash())
}

// TestFootprintRollback: under on-error=rollback a hypervisor step may
// move the VM back to the source, so it writes the VM's host, but only
// while the VM runs elsewhere: on the source that move changes nothing.
// A vCPU step that is no device access reads where the VM runs and
// nothing else a hypervisor step writes. (A member's event reads where
// its interrupts go too, but it also reads the host's record, which every
// hypervisor step writes: TestFootprintTruth.)
func TestFootprintRollback(t *testing.T) {
	for _, rollback := range []bool{false, true} {
		s := &Shape{VMVFs: []int{1}, GuestVFs: []int{1}, LoadVFs: []int{1}, Rollback: rollback}
		h := s.Hash()
		onSource := s.Footprint(h, Key{Kind: KindHV, Sub: HVPlain, NH: 2, H: 1, VMHost: 0})
		moved := s.Footprint(h, Key{Kind: KindHV, Sub: HVPlain, NH: 2, H: 1, VMHost: 1})
		vcpu := s.Footprint(h, Key{Kind: KindGuest, Sub: GuestPlain, H: 0, A: 0})
		member := s.Footprint(h, Key{Kind: KindVF, H: 0, A: 1, Bits: VFStep})
		assert.True(t, HasResource(vcpu.Reads(), ResVM), "the VM's memory is where the VM runs")
		assert.True(t, HasResource(member.Reads(), ResVM), "the member's interrupts go where the VM runs")
		assert.False(t, HasResource(onSource.Writes(), ResVM), "rollback=%v", rollback)
		assert.Equal(t, rollback, HasResource(moved.Writes(), ResVM), "rollback=%v", rollback)
		assert.Equal(t, rollback, moved.Conflicts(vcpu), "rollback=%v: the vCPU reads where the VM runs", rollback)
		assert.False(t, onSource.Conflicts(vcpu), "rollback=%v", rollback)
	}
}

// TestFootprintTruth: an access that changes what the host knows of the
// member (VFTruth) conflicts with every hypervisor step, which submits
// commands and reads completions into that record. A vCPU's access reads
// the record (whether the hypervisor froze or stopped the member decides
// the blame), so it conflicts with every hypervisor step, but not with
// another VM's vCPU's access that only reads it, nor with a change to
// another host's record.
func TestFootprintTruth(t *testing.T) {
	s := &Shape{VMVFs: []int{1}, GuestVFs: []int{1, 2}, LoadVFs: []int{1}}
	h := s.Hash()
	hv := s.Footprint(h, Key{Kind: KindHV, Sub: HVPlain, NH: 2, H: 1})
	plain := s.Footprint(h, Key{Kind: KindGuestTLP, H: 0, A: 0})
	other := s.Footprint(h, Key{Kind: KindGuestTLP, H: 0, A: 1})
	observed := s.Footprint(h, Key{Kind: KindGuestTLP, H: 0, A: 0, Bits: VFTruth})
	flrOnDst := s.Footprint(h, Key{Kind: KindGuestTLP, H: 1, A: 1, Bits: VFTruth})
	assert.True(t, HasResource(plain.Reads(), ResHost(ClassTruth, 0)), "a vCPU access reads the record of its VF's host")
	assert.True(t, plain.Conflicts(hv), "a hypervisor step may complete a mode command into the record")
	assert.False(t, plain.Conflicts(other), "two vCPUs' accesses only read the record")
	assert.False(t, plain.Conflicts(flrOnDst), "another host's record")
	assert.True(t, observed.Conflicts(hv))
	// The event oracles judge a member's event (its memory accesses, its
	// interrupts, the mode it reports) against the record: every member
	// event reads it, whatever its bits, and conflicts with every
	// hypervisor step, but not with another member's event.
	for _, bits := range []uint8{0, VFStep, VFStep | VFMode, VFHeld} {
		ev := s.Footprint(h, Key{Kind: KindVF, H: 1, A: 2, Bits: bits})
		assert.True(t, HasResource(ev.Reads(), ResHost(ClassTruth, 1)), "bits %#x: a member event reads its host's record", bits)
		assert.True(t, ev.Conflicts(hv), "bits %#x", bits)
	}
	assert.False(t, s.Footprint(h, Key{Kind: KindVF, H: 1, A: 2}).Conflicts(s.Footprint(h, Key{Kind: KindVF, H: 1, A: 1})),
		"two members' accesses only read the record")
	assert.True(t, HasResource(s.Footprint(h, Key{Kind: KindPeer, Sub: PeerTLP, NH: 2, H: 0, A: 1}).Reads(), ResHost(ClassTruth, 0)),
		"a peer's access to a member is judged as the member's event")
	assert.True(t, HasResource(observed.Writes(), ResHost(ClassTruth, 0)))
	assert.True(t, HasResource(s.Footprint(h, Key{Kind: KindPF, H: 1}).Writes(), ResHost(ClassTruth, 1)), "a PF event may make the host forget its members")
	assert.Equal(t, "host 1's record of its members", ResourceName(ResHost(ClassTruth, 1)))
	reset := s.Footprint(h, Key{Kind: KindGuestTLP, H: 0, A: 0, Bits: VFTruth | VFReset})
	assert.True(t, HasResource(reset.Writes(), ResDisk), "a reset resets the backend: a net device drops the frames it holds")
	assert.False(t, HasResource(observed.Writes(), ResDisk))
}

func TestResourceName(t *testing.T) {
	assert.Equal(t, "host 1's SR-IOV group", ResourceName(ResHost(ClassGroup, 1)))
	assert.Equal(t, "the disk (the network in a net world)", ResourceName(ResDisk))
	h, ok := HostOf(ResMem(2, true))
	assert.True(t, ok)
	assert.Equal(t, 2, h)
	_, ok = HostOf(ResVM)
	assert.False(t, ok)
}

// TestFootprint_RecentSlots: footprints looked up through the slots in
// front of the cache are the ones the shape builds, for more keys than
// there are slots (so that keys share slots and replace each other), in
// two shapes that differ only in the VM's VFs, looked up in turns.
func TestFootprint_RecentSlots(t *testing.T) {
	shapes := []*Shape{{VMVFs: []int{1, 2}, GuestVFs: []int{1, 2}}, {VMVFs: []int{2}, GuestVFs: []int{1, 2}}}
	var keys []Key
	for h := range uint8(4) {
		for a := range uint16(400) {
			keys = append(keys, Key{Kind: KindVF, H: h, NH: 4, A: a%8 + 1, Bits: uint8(a / 8 % 4), B: uint32(a)},
				Key{Kind: KindPF, H: h, NH: 4, C: a}, Key{Kind: KindDoorbell, H: h, NH: 4, B: uint32(a)})
		}
	}
	require.Greater(t, len(keys), 2*fpRecent.Len())
	for round := range 2 {
		for i, k := range keys {
			for _, s := range shapes {
				want := s.build(k)
				got := s.Footprint(s.Hash(), k)
				require.Equal(t, want.Reads(), got.Reads(), "round %d key %d %+v", round, i, k)
				require.Equal(t, want.Writes(), got.Writes(), "round %d key %d %+v", round, i, k)
			}
		}
	}
}
