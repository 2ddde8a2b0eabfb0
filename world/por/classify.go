package por

import (
	"strconv"
	"strings"
)

// ActorKind says which program an actor runs.
type ActorKind uint8

// The kinds of actor.
const (
	ActorGuest ActorKind = iota + 1
	ActorHV
	ActorPeer
)

// Step is the classification of one pending operation, parsed once from
// its label: the step kind, the host, VF and signal it names.
type Step struct {
	Kind Kind
	Sub  uint8
	Host string
	VF   int
	Sig  uint32
	Addr uint64
	// TLP: a device access of a guest; Doorbell: a hypervisor write into a
	// PF's notify region (else a PF access, PFAccess, is a PF event).
	TLP, Doorbell, PFAccess bool
}

// Classify parses the label of an operation of an actor of kind k, after
// the actor's name and colon ("NAME:rest"). An operation it does not know
// is of KindAll.
func Classify(k ActorKind, rest string) Step {
	c := Step{Kind: KindAll}
	switch k {
	case ActorGuest:
		classifyGuest(&c, rest)
	case ActorHV:
		classifyHV(&c, rest)
	case ActorPeer:
		classifyPeer(&c, rest)
	}
	return c
}

func classifyGuest(c *Step, rest string) {
	verb, arg, _ := strings.Cut(rest, " ")
	switch verb {
	case "cfg-read", "cfg-write", "mmio-read", "mmio-write":
		c.Kind, c.TLP = KindGuestTLP, true
	case "wait-irq":
		c.Kind, c.Sub = KindGuest, GuestWaitIRQ
	case "sleep":
		c.Kind, c.Sub = KindGuest, GuestPlain
	case "signal":
		c.Kind, c.Sub, c.Sig = KindGuest, GuestSignal, FNV32(arg)
	case "await":
		c.Kind, c.Sub, c.Sig = KindGuest, GuestAwait, FNV32(arg)
	}
}

// hvHostOps are the sub-kinds of the hypervisor's operations that name a
// host.
var hvHostOps = map[string]uint8{"copy-memory": HVCopyMem, "copy-pci": HVCopyPCI, "switchover": HVSwitch, "fail": HVFail}

// classifyHV parses a hypervisor label: "HOST pf KIND 0xADDR…", "HOST
// wait-admin" or one of the operations of its own.
func classifyHV(c *Step, rest string) {
	verb, arg, _ := strings.Cut(rest, " ")
	c.Kind = KindHV
	switch verb {
	case "signal":
		c.Sub, c.Sig = HVSignal, FNV32(arg)
		return
	case "await":
		c.Sub, c.Sig = HVAwait, FNV32(arg)
		return
	case "sleep", "forget", "precheck", "corrupt":
		c.Sub = HVPlain
		return
	case "halt-vcpus", "resume-vcpus":
		c.Sub = HVHalt
		return
	case "copy-memory", "copy-pci", "switchover", "fail":
		c.Sub = hvHostOps[verb]
		c.Host = arg
		return
	case "resize":
		c.Sub = HVResize
		return
	}
	// A host's owner driver: "HOST wait-admin", "HOST pf KIND 0xADDR…".
	c.Host = verb
	switch {
	case arg == "wait-admin":
		c.Sub = HVPlain
	case strings.HasPrefix(arg, "pf "):
		c.Sub, c.PFAccess = HVPlain, true
		if s, ok := strings.CutPrefix(arg, "pf mmio-write 0x"); ok {
			hexAddr, _, _ := strings.Cut(s, "=")
			if addr, err := strconv.ParseUint(hexAddr, 16, 64); err == nil {
				c.Addr, c.Doorbell = addr, true
			}
		}
	default:
		c.Kind = KindAll
	}
}

func classifyPeer(c *Step, rest string) {
	verb, arg, _ := strings.Cut(rest, " ")
	c.Kind = KindPeer
	switch verb {
	case "p2p-kick", "p2p-write":
		classifyPeerVF(c, PeerTLP, arg)
	case "rx", "link", "announce":
		classifyPeerVF(c, PeerWire, arg)
	case "pf-flr":
		c.Sub, c.Host = PeerPF, arg
	case "signal":
		c.Sub, c.Sig = PeerSignal, FNV32(arg)
	case "await":
		c.Sub, c.Sig = PeerAwait, FNV32(arg)
	case "sleep":
		c.Sub = PeerPlain
	default:
		c.Kind = KindAll
	}
}

// classifyPeerVF classifies a peer operation on one VF ("vfN …") as sub.
func classifyPeerVF(c *Step, sub uint8, arg string) {
	vfWord, _, _ := strings.Cut(arg, " ")
	n, err := strconv.Atoi(strings.TrimPrefix(vfWord, "vf"))
	if err != nil {
		c.Kind = KindAll
		return
	}
	c.Sub, c.VF = sub, n
}
