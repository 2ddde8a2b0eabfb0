// Package flowblame finds mistakes of the hypervisor's own flow that leave
// the VM on stale or lost state, from what the hypervisor did and what the
// host knows of its members (the host's record, world/ownerview), never
// from a device's account of itself:
//
//   - it switched the VM over to a host whose copy of the VM's memory was
//     made while the VM could still change it (a vCPU ran, or a VF of the
//     VM was not stopped or frozen on the VM's host, so its DMA could
//     write it), or the vCPUs were resumed after the copy;
//   - it ran a VF of the VM on the destination before it switched the VM
//     over there: what the VF signalled (its MSI-X messages) went to a
//     host the VM was not on;
//   - it ended its flow with a VF of the VM stopped or frozen on the host
//     the VM runs on: nothing will run it again.
//
// The transparent oracle names the first such mistake in a finding when no
// vCPU access was blamed on the hypervisor (docs/oracles.md, "transparent";
// docs/scenarios.md, "Hypervisor operations").
package flowblame

import (
	"fmt"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/spec"
)

// Notes is what the world noted of the flow so far: why each host's copy
// of the VM's memory may be stale, and the first mistake found.
type Notes struct {
	// stale is, per host index, why its copy of the VM's memory may be
	// stale ("" when it is not, or there is none).
	stale []string
	// copied is, per host index, whether the hypervisor copied the VM's
	// memory there.
	copied []bool
	// quiesced names the VM's VFs that the host's record had in the mode
	// a vCPU must not reach (draft-2023 Freeze, virtio-1.4 stopped) when
	// the hypervisor last resumed the vCPUs, until it halts them again.
	quiesced []string
	blame    string
}

// VF is what the host's record says of one VF of the VM on a host.
type VF struct {
	// Name is the VF as blames name it ("dst.vf1").
	Name string
	// Mode is the mode the host last set; Resumed whether the hypervisor
	// ran it since its last stop (ownerview.OwnerView.Resumed).
	Mode    spec.Mode
	Resumed bool
}

// Copied notes a copy-memory to host h made while the VM's vCPUs ran
// (vcpus) or not, with the VM's VFs on the host it runs on: a running
// vCPU, or a VF in Active (its DMA may write the VM's memory), makes the
// copy stale.
func (n *Notes) Copied(h int, vcpus bool, vfs []VF) {
	for len(n.stale) <= h {
		n.stale, n.copied = append(n.stale, ""), append(n.copied, false)
	}
	why := ""
	if vcpus {
		why = "while the vCPUs ran"
	}
	for _, vf := range vfs {
		if why == "" && vf.Mode == spec.ModeActive {
			why = fmt.Sprintf("while %s ran (its DMA could still write the VM's memory)", vf.Name)
		}
	}
	n.stale[h], n.copied[h] = why, true
}

// Resumed notes that the hypervisor resumed the VM's vCPUs: every copy of
// the VM's memory made so far may be stale. quiesced names the VFs of the
// VM the host's record has in the mode a running vCPU must not reach
// (ResumedOver).
func (n *Notes) Resumed(quiesced []string) {
	for h, c := range n.copied {
		if c && n.stale[h] == "" {
			n.stale[h] = "before resume-vcpus let the vCPUs run again"
		}
	}
	n.quiesced = quiesced
}

// Halted notes that the hypervisor halted the VM's vCPUs: what they find
// once resumed again is the next resume's business.
func (n *Notes) Halted() { n.quiesced = nil }

// ModeCommand notes a mode command the owner driver submitted for the VF
// named name: whatever mode it leaves, the resume no longer decides it.
func (n *Notes) ModeCommand(name string) {
	var kept []string // a new array: a copy of the notes may share the old one
	for _, q := range n.quiesced {
		if q != name {
			kept = append(kept, q)
		}
	}
	n.quiesced = kept
}

// HaltVerb is what the hypervisor did to a member a vCPU must not reach,
// as a blame words it: froze it (draft-2023 Freeze) or stopped it
// (virtio-1.4).
func HaltVerb(ed spec.Edition) string {
	if ed == spec.Draft2023 {
		return "froze"
	}
	return "stopped"
}

// VCPUAccess words the blame for a vCPU's access to the VF named name
// ("src.vf1") that the host's record has frozen or stopped: access says
// who ran what when ("vcpu0 ran MWr at step 12"). A VF of another VM
// (inVM false) is one halt-vcpus does not halt and the hypervisor had no
// business quiescing; a VF of the VM that the last resume-vcpus let the
// vCPUs reach (ResumedOver) is that resume's mistake; any other, a
// missing halt-vcpus before the VF was quiesced.
func (n *Notes) VCPUAccess(ed spec.Edition, name string, inVM bool, access string) string {
	switch {
	case !inVM:
		return fmt.Sprintf("the hypervisor %s %s, a VF of another VM (not in vm-vfs), whose vCPU halt-vcpus does not halt: %s", HaltVerb(ed), name, access)
	case n.ResumedOver(name):
		state := "stopped"
		if ed == spec.Draft2023 {
			state = "frozen"
		}
		return fmt.Sprintf("the hypervisor resumed the vCPUs while %s was still %s (resume-vcpus before a mode command ran it again): %s", name, state, access)
	}
	return fmt.Sprintf("the hypervisor %s %s without halting the vCPUs: %s", HaltVerb(ed), name, access)
}

// ResumedOver reports whether the hypervisor's last resume-vcpus, not
// followed by a halt-vcpus, let the vCPUs run while the VF named name
// ("dst.vf2") was frozen or stopped, and no mode command for it followed: a vCPU's access to it is then that
// resume's mistake, not a missing halt-vcpus before the VF was quiesced.
func (n *Notes) ResumedOver(name string) bool {
	for _, q := range n.quiesced {
		if q == name {
			return true
		}
	}
	return false
}

// Switched notes the switchover of the VM to host h, named name, from
// host from, with the VM's VFs on h: a copy of its memory there that may
// be stale, and the VFs the hypervisor resumed there before the VM moved,
// are its mistakes. A host the hypervisor never copied the VM's memory to
// (the source the VM rolls back to) is not judged.
func (n *Notes) Switched(h int, name, from string, vfs []VF) {
	if h >= len(n.copied) || !n.copied[h] {
		return
	}
	if why := n.stale[h]; why != "" {
		n.note(fmt.Sprintf("the hypervisor switched the VM over to %s with the copy of its memory that copy-memory %s made %s: what changed after it stayed on %s",
			name, name, why, from))
	}
	var ran []string
	for _, vf := range vfs {
		if vf.Resumed {
			ran = append(ran, vf.Name)
		}
	}
	if len(ran) > 0 {
		n.note(fmt.Sprintf("the hypervisor ran %s before it switched the VM over to %s: what the VF signalled then (its interrupts) went to a host the VM was not on",
			joinNames(ran), name))
	}
}

// Left notes, at the end of the flow, the VM's VFs on host, the host it
// runs on: one the host's record says stays in a mode other than Active
// (running) is left stopped or frozen under the VM.
func (n *Notes) Left(ed spec.Edition, host string, vfs []VF) {
	var left []string
	for _, vf := range vfs {
		if vf.Mode != spec.ModeActive {
			left = append(left, vf.Name+" in "+ed.ModeName(vf.Mode))
		}
	}
	if len(left) > 0 {
		n.note(fmt.Sprintf("the hypervisor ended its flow with %s on %s, where the VM runs: no mode command ran it again",
			joinNames(left), host))
	}
}

// note keeps the first mistake.
func (n *Notes) note(s string) {
	if n.blame == "" {
		n.blame = s
	}
}

// Blame is the first mistake found, "" when none was.
func (n *Notes) Blame() string { return n.blame }

// Hash mixes the notes into h, and leaves h as it is when there is
// nothing in them that a later blame depends on: no stale copy, no
// blame.
func (n *Notes) Hash(h uint64) uint64 {
	for i, s := range n.stale {
		if s != "" {
			h = deephash.String(deephash.Mix(h, uint64(i)+1), s)
		}
	}
	for _, q := range n.quiesced {
		h = deephash.String(h, q)
	}
	if n.blame != "" {
		h = deephash.String(h, n.blame)
	}
	return h
}

func joinNames(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	out := ""
	for i, s := range names {
		switch {
		case i == len(names)-1:
			out += ", and " + s
		case i > 0:
			out += ", " + s
		default:
			out = s
		}
	}
	return out
}
