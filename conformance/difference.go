package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/migsim/migsim/catalog/control"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/pcie"
)

// What the first guest-visible difference of a transparent finding says
// of the requirements it charges. The transparent oracle's finding names
// its requirements the row's run triggered (catalog.FindingReqs):
// in draft-2023 DRAFT-STOP-03 (the device accepts notifications in Stop,
// its context and configuration may change) and DRAFT-CTX-01 (the fields
// a context write carries are applied at the move to Active), in
// virtio-1.4 DP-DEV-09 (a stop finishes outstanding transactions and
// writes back the descriptors of every buffer seen) and DP-DEV-10 (a
// stopped device accepts notifications and answers PCI reads validly).
// The first entry at which the guest's log differs from the run without
// migration (control.FirstDifference, what `migsim trace
// --without-migration` prints) tells which of them the guest's
// observation involves:
//
//   - data the guest read from a request queue: a used element it has no
//     request for, or a block request that completed with another status
//     or other data. That is the queue state the device moved — its ring
//     indices and in-flight descriptors, carried by the device context
//     (the draft's virtqueue fields, the virtio-1.4 VQ parts) — or a
//     device that touched the queues while stopped: queueReqs. A
//     notification lost in Stop leaves requests never completed, and a
//     PCI read returns nothing from a queue, so DRAFT-STOP-03 and
//     DP-DEV-10 are not charged;
//   - a virtio-net control command that completed with another ack (the
//     "ctrl " entries): in virtio-1.4 the source completes a command it
//     took before the stop completes, DP-DEV-09 (ackReqs); in draft-2023
//     the ack of a command the source applied before the stop travels in
//     its NET_INFLIGHT record, which the destination completes the command
//     with instead of applying it again: DRAFT-CTX-09 (singledOut), not
//     the queue state of DRAFT-CTX-01 or a notification of DRAFT-STOP-03;
//   - a value the guest read from the device's configuration (capacity,
//     device status, MAC address, link, write-cache mode: the "config:",
//     "wce:" lines, the fields of the "final:" line that read it, and
//     the probe's entries of what it read back, such as a device_status
//     without FEATURES_OK: probeReads):
//     configReqs. A descriptor written back or a transaction finished
//     changes no configuration read, so DP-DEV-09 is not charged. A
//     peer's MMIO read of a VF's common or device configuration ("p2p:
//     read vf1 +0x2020/1: 01", world/peer) is such a read too, never a
//     block request's "read"; a peer's read of another region (ISR,
//     notify, MSI-X table, PBA) is none of these kinds. In
//     draft-2023 both requirements speak of what the configuration
//     becomes (the configuration may change in Stop; a context write
//     carries the device's configuration and status), so neither is
//     singled out. In virtio-1.4, when DP-DEV-10 is not involved (no
//     request reached the stopped member), what the guest reads of the
//     configuration came from the values the run's DEV_PARTS_SET carried:
//     DP-DEV-08 (they take effect when the member resumes), the
//     counterpart of draft-2023's DRAFT-CTX-01 (singledOut, charge.go);
//   - a frame the virtio-net guest received on a receive queue beyond the
//     pairs it has in use (its "FAIL rx" entry, NET-DEV-10 seen from the
//     guest): the destination steers by the number of pairs, which only
//     the control-queue state the device moved sets (the MQ VQ_PAIRS_SET
//     part, the draft's NET_CVQ field): steeringReqs. Neither a lost
//     notification nor a descriptor left unwritten makes a device steer
//     a frame to a queue it should not use, so DRAFT-STOP-03, DP-DEV-09
//     and DP-DEV-10 are not charged; in virtio-1.4 the value came from
//     the run's DEV_PARTS_SET, DP-DEV-08, as for a configuration read;
//   - anything else — requests that never completed, frames not
//     received, a probe that went otherwise — may come from a lost
//     notification as well as from lost queue state: the oracle's
//     requirements the run involved stay charged.
//
// A rule chooses among the transparent oracle's own requirements
// (oracle.Transparent's Reqs), the four above, that the run involved
// (their triggers held: catalog.FindingReqs): it keeps those its list
// holds; when it would keep none of them, or all, the difference does not
// single out a requirement and the involved ones stay charged. The run's
// other requirements (the scenario's requirements the run involved, the
// rules the host saw the driver break: an FLR's DP-DEV-14, a device
// part's NET-PART-01) are involved, not charged (Charge).
var (
	queueReqs    = []string{"DRAFT-CTX-01", "DP-DEV-09"}
	ackReqs      = []string{"DP-DEV-09"}
	configReqs   = []string{"DRAFT-STOP-03", "DRAFT-CTX-01", "DP-DEV-10"}
	steeringReqs = []string{"DRAFT-CTX-01"}
)

// Kinds of first differences (Failure.Charged words them).
const (
	diffQueue    = "data read from a request queue"
	diffConfig   = "a configuration read"
	diffSteering = "a frame on a receive queue beyond the pairs in use"
	diffCommand  = "a control command's ack"
)

// aboutReqs name, for a kind of first difference, the device-type
// requirement the guest's entry shows broken, where one is known: a frame
// on a receive queue beyond the pairs in use is what NET-DEV-10 forbids
// (virtio spec device-types/net/description.tex, "Automatic receive
// steering in multiqueue mode"). The sentence that says how a finding's
// requirements were chosen names it (kindText), so that a device engineer
// reads which statement the device's output broke; the charge stays the
// migration requirement whose state carried the value.
var aboutReqs = map[string]string{diffSteering: "NET-DEV-10"}

// kindText words a kind of first difference, with the requirement it is
// about when aboutReqs knows one.
func kindText(kind string) string {
	if id, ok := aboutReqs[kind]; ok {
		return kind + ", which " + id + " forbids"
	}
	return kind
}

// requestVerbs start the subject of a guest log entry that tells how one
// request of a queue completed (guest/blk, guest/net): a block request,
// a control command, a transmitted frame.
var requestVerbs = []string{"write ", "read ", "flush", "get-id", "ctrl ", "tx "}

// probeReads start the probe entries (guest/blk, guest/net: "probe: …")
// that report what the driver read back from the common or device
// configuration while it brought the device up: device_status without
// FEATURES_OK, config_msix_vector, num_queues, the configuration at
// DRIVER_OK and the features negotiated. A probe entry of the driver's own
// plan (its ring regions, its queue pairs) is none of them.
var probeReads = []string{"device refused FEATURES_OK", "config vector not accepted", "device has ", "DRIVER_OK ", "features "}

// configSubjects are the subjects of entries that report values read from
// the device configuration; configFields the fields of a "final:" entry
// that do (outstanding counts requests, announces notifications).
var (
	configSubjects = []string{"config", "config-vector", "wce"}
	configFields   = []string{"capacity", "status", "link", "mac", "pairs", "mtu", "writeback"}
)

// diffKind classifies a first difference (diffQueue, diffConfig,
// diffSteering, diffCommand), or "".
func diffKind(d *control.Difference) string {
	m, w := subjectOf(d.Migrated), subjectOf(d.WithoutMigration)
	switch {
	case strings.Contains(d.Migrated, "harvest: virtq:"):
		// The used ring holds an element the guest has no request for.
		return diffQueue
	case strings.Contains(d.Migrated, "FAIL rx q") && strings.HasSuffix(d.Migrated, " pairs in use"):
		// guest/net's check of a received frame's queue (datapath.go).
		return diffSteering
	case m.subject != w.subject:
		return ""
	case peerRead(m.subject):
		return peerReadKind(m.subject)
	case strings.HasPrefix(m.subject, "ctrl "):
		return diffCommand
	case slices.ContainsFunc(requestVerbs, func(v string) bool { return strings.HasPrefix(m.subject, v) }):
		return diffQueue
	case slices.Contains(configSubjects, m.subject):
		return diffConfig
	case m.subject == "probe" && slices.ContainsFunc(probeReads, func(p string) bool { return strings.HasPrefix(m.rest, p) }):
		return diffConfig
	case m.subject == "final" && configOnly(m.rest, w.rest):
		return diffConfig
	}
	return ""
}

// peerRead reports whether an entry's subject is a peer's MMIO read of a
// VF's BAR0 ("read vf1 +0x2020/1", world/peer): a register read, not a
// block request's "read sector=…".
func peerRead(subject string) bool {
	_, _, ok := peerReadOffset(subject)
	return ok
}

// peerReadOffset parses a peer read's subject: the BAR0 offset and length.
func peerReadOffset(subject string) (off, n uint64, ok bool) {
	rest, found := strings.CutPrefix(subject, "read vf")
	if !found {
		return 0, 0, false
	}
	vf, at, found := strings.Cut(rest, " +")
	if !found || vf == "" || strings.Trim(vf, "0123456789") != "" {
		return 0, 0, false
	}
	o, l, found := strings.Cut(at, "/")
	if !found {
		return 0, 0, false
	}
	off, err1 := strconv.ParseUint(o, 0, 64)
	n, err2 := strconv.ParseUint(l, 10, 32)
	return off, n, err1 == nil && err2 == nil
}

// peerReadKind classifies a peer's read by the BAR0 region it read: the
// common configuration and the device configuration are configuration
// reads; the ISR, the notify region and the MSI-X table and PBA (PCI
// state the hypervisor moves) are none of the kinds.
func peerReadKind(subject string) string {
	off, _, _ := peerReadOffset(subject)
	switch {
	case off < pcie.BAR0ISR, off >= pcie.BAR0DeviceCfg && off < pcie.BAR0Notify:
		return diffConfig
	}
	return ""
}

// entrySubject is a guest log entry split as the drivers write it:
// "<actor>: [FAIL ]<subject>: <rest>".
type entrySubject struct{ subject, rest string }

func subjectOf(entry string) entrySubject {
	if _, after, ok := strings.Cut(entry, ": "); ok {
		entry = after
	}
	entry = strings.TrimPrefix(entry, "FAIL ")
	subject, rest, _ := strings.Cut(entry, ": ")
	return entrySubject{subject, rest}
}

// configOnly reports whether the key=value fields of two "final:" entries
// differ, and only in configuration fields.
func configOnly(a, b string) bool {
	fa, fb := fields(a), fields(b)
	differ := false
	for _, k := range append(slices.Sorted(maps.Keys(fa)), slices.Sorted(maps.Keys(fb))...) {
		if fa[k] != fb[k] {
			if !slices.Contains(configFields, k) {
				return false
			}
			differ = true
		}
	}
	return differ
}

func fields(s string) map[string]string {
	out := map[string]string{}
	for _, f := range strings.Fields(s) {
		k, v, _ := strings.Cut(f, "=")
		out[k] = v
	}
	return out
}

// chargedBy narrows the requirements ids a transparent finding charges by
// its first difference d (the rules above). extra are, by kind of
// difference, the requirements outside the oracle's own that it singles
// out when none of the oracle's requirements it may single out was
// involved (singledOut: virtio-1.4's DP-DEV-08 for a configuration read or
// the steering once the run set parts; draft-2023's DRAFT-CTX-09 for a
// control command's ack). It returns the requirements and the sentence
// that says how they were chosen.
func chargedBy(ids []string, d *control.Difference, extra map[string][]string) ([]string, string) {
	kind := diffKind(d)
	var list []string
	switch kind {
	case diffQueue:
		list = queueReqs
	case diffConfig:
		list = configReqs
	case diffSteering:
		list = steeringReqs
	case diffCommand:
		list = ackReqs
	}
	own := oracle.Transparent.Info().Reqs
	var keep []string
	kept, dropped := 0, 0
	for _, id := range ids {
		switch {
		case !slices.Contains(own, id):
			keep = append(keep, id) // no rule speaks of it
		case slices.Contains(list, id):
			keep = append(keep, id)
			kept++
		default:
			dropped++
		}
	}
	singled := kept > 0 && dropped > 0
	if kept == 0 {
		// None of the oracle's requirements the difference speaks of was
		// involved: it came wrong from what the run set (extra).
		for _, id := range extra[kind] {
			if !slices.Contains(keep, id) {
				keep, singled = append(keep, id), true
			}
		}
	}
	if kind == "" || !singled {
		what := "the difference does not single out a requirement"
		if kind != "" {
			what = fmt.Sprintf("the difference, %s, does not single out a requirement", kindText(kind))
		}
		return ids, "by the row's triggers: " + what
	}
	return keep, "by the first difference: " + kindText(kind)
}
