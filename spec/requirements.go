package spec

// Requirement is one normative statement of an edition, with a stable ID
// that tests, oracles and findings cite.
type Requirement struct {
	// ID is stable: ADM-DEV-01 … for the normative statements of the
	// merged virtio text (the virtio spec files named in Source), DRAFT-…
	// for the seed proposal's semantics (docs/spec.md, "Requirement IDs").
	ID       string
	Editions []Edition
	// Level is MUST, SHOULD or MAY (the strongest keyword of the statement;
	// negations are in Text).
	Level string
	// Side is device or driver: who the statement binds.
	Side string
	// Text is a one-line paraphrase.
	Text string
	// Source names where the statement comes from: a virtio spec file and
	// its section, or the origin of a DRAFT-* statement followed by the
	// section of migsim's docs that describes it, as (docs/FILE.md,
	// "Heading").
	Source string
}

// Requirement levels and sides.
const (
	LevelMust   = "MUST"
	LevelShould = "SHOULD"
	LevelMay    = "MAY"
	SideDevice  = "device"
	SideDriver  = "driver"
)

var (
	bothEditions = []Edition{Draft2023, Virtio14}
	onlyVirtio14 = []Edition{Virtio14}
	onlyDraft    = []Edition{Draft2023}
)

// Sources: the virtio spec file that holds a statement of the merged text,
// or, for the draft, the project's own definition.
const (
	srcAdmin    = "virtio spec admin.tex (Administration Virtqueues)"
	srcPCI      = "virtio spec transport-pci.tex (Virtio Over PCI Bus)"
	srcCap      = "virtio spec admin-cmds-capabilities.tex (device and driver capabilities)"
	srcRes      = "virtio spec admin-cmds-resource-objects.tex (resource objects)"
	srcDP       = "virtio spec admin-cmds-device-parts.tex (device parts commands)"
	srcDPTheory = "virtio spec device-parts.tex (device parts)"
	srcSus      = "virtio spec content.tex (VIRTIO_F_SUSPEND)"

	// The MSI-X table and PBA and the FLR are the PCI specifications'; the
	// virtio PCI transport maps its notifications onto MSI-X vectors and
	// resets the function on an FLR, and these statements bind it there.
	srcPCIMSIX = "virtio spec transport-pci.tex (MSI-X Vector Configuration; masking and the pending bit array are the PCI specification's MSI-X rules, which the virtio text builds on)"
	srcPCIFLR  = "virtio spec transport-pci.tex (Virtio Over PCI Bus; the rule is PCI Express's: a Function Level Reset returns the function, its MSI-X table included, to its reset state)"
	// MSI-X Enable and Function Mask are bits of the MSI-X capability's
	// Message Control, which the virtio PCI transport leaves to PCI.
	srcPCICfgGen  = "virtio spec transport-pci.tex (Common configuration structure layout: the device MUST present a changed config_generation after the driver has read a device-specific configuration value which has changed since any part of the device-specific configuration was last read)"
	srcPCIMSIXCtl = "virtio spec transport-pci.tex (MSI-X Vector Configuration; the rule is the PCI Express Base specification's MSI-X capability: Message Control's MSI-X Enable and Function Mask)"
)

// Sources of the DRAFT-* statements: the 2023 proposal, or migsim's own
// definition of what it left open, each with the section of the project's
// docs that describes the statement and names its ID (a test checks that
// the section exists and does).
const (
	seedOrigin = "the 2023 device-context proposal"
	simOrigin  = "migsim's definition of the draft"
	docModes   = ` (docs/spec.md, "The two editions")`
	docStates  = ` (docs/device-model.md, "3. Modes")`
	docCmds    = ` (docs/device-model.md, "4. Admin commands")`
	docFLR     = ` (docs/device-model.md, "5. FLR, reset, PM and held replies")`
	docPCI     = ` (docs/device-model.md, "2. Transport")`
	docCtx     = ` (docs/context-format.md, "draft-2023 device context")`
	docNetCtx  = ` (docs/context-format.md, "virtio-net fields")`
)

func req(id string, eds []Edition, level, side, text, source string) Requirement {
	return Requirement{ID: id, Editions: eds, Level: level, Side: side, Text: text, Source: source}
}

var catalog = []Requirement{
	// Admin commands — device (both editions).
	req("ADM-DEV-01", bothEditions, LevelMust, SideDevice, "check opcode, group_type and member id; a bad one gives EINVAL with qualifier by priority INVALID_GROUP > INVALID_OPCODE > INVALID_MEMBER", srcAdmin),
	req("ADM-DEV-02", bothEditions, LevelMust, SideDevice, "success sets status OK with qualifier 0; failure sets a status other than OK", srcAdmin),
	req("ADM-DEV-03", bothEditions, LevelMust, SideDevice, "EINVAL means no state change and no side effects, and the device does not enter an error state", srcAdmin),
	req("ADM-DEV-04", bothEditions, LevelShould, SideDevice, "other failures leave the device state unchanged as far as possible", srcAdmin),
	req("ADM-DEV-05", bothEditions, LevelMust, SideDevice, "each group type's commands work independently; LIST_QUERY may differ per group type", srcAdmin),
	req("ADM-DEV-06", bothEditions, LevelMust, SideDevice, "after reset the in-use list is {LIST_QUERY, LIST_USE}; a successful LIST_USE replaces it with its data", srcAdmin),
	req("ADM-DEV-07", bothEditions, LevelMust, SideDevice, "a command not in the in-use list fails with EINVAL/INVALID_OPCODE", srcAdmin),
	req("ADM-DEV-08", bothEditions, LevelMust, SideDevice, "the supported list never shrinks; after a reset a LIST_USE with a list used before does not fail because of that list", srcAdmin),
	req("ADM-DEV-09", bothEditions, LevelMay, SideDevice, "a LIST_USE that breaks internal command dependencies may fail with EINVAL/INVALID_FIELD", srcAdmin),
	req("ADM-DEV-10", bothEditions, LevelMust, SideDevice, "SR-IOV group: no SR-IOV capability or VF Enable = 0 gives EINVAL/INVALID_GROUP; member outside 1..NumVFs gives EINVAL/INVALID_MEMBER", srcAdmin),

	// Admin queue — device.
	req("AVQ-DEV-01", bothEditions, LevelMust, SideDevice, "short buffers: missing input reads as zero, output past the end is dropped; long buffers: extra input ignored, only the defined structure written, used length = bytes written", srcAdmin),
	req("AVQ-DEV-02", bothEditions, LevelMust, SideDevice, "never fail a command only because of a buffer's length", srcAdmin),
	req("AVQ-DEV-03", bothEditions, LevelMust, SideDevice, "always write status and status_qualifier and initialise the writable part to a multiple of 8 bytes (the used length counts the defined structure only, AVQ-DEV-01)", srcAdmin),
	req("AVQ-DEV-04", bothEditions, LevelMust, SideDevice, "process the commands of one admin queue in queue order; across queues any order is allowed", srcAdmin),
	req("AVQ-DEV-05", bothEditions, LevelMust, SideDevice, "EAGAIN or ENOMEM means the command had no side effects (safe to retry)", srcAdmin),

	// Admin — driver.
	req("ADM-DRV-01", bothEditions, LevelMust, SideDriver, "complete LIST_USE with OK before any other command (the initial LIST_QUERY/LIST_USE excepted)", srcAdmin),
	req("ADM-DRV-02", bothEditions, LevelMust, SideDriver, "never send LIST_USE while another command is outstanding", srcAdmin),
	req("ADM-DRV-03", bothEditions, LevelMust, SideDriver, "never request commands LIST_QUERY did not report for that group type", srcAdmin),
	req("ADM-DRV-04", bothEditions, LevelMust, SideDriver, "treat an unknown status as EINVAL and an unknown qualifier as INVALID_COMMAND", srcAdmin),
	req("ADM-DRV-05", bothEditions, LevelMust, SideDriver, "SR-IOV: member id in 1..NumVFs; while commands are outstanding keep VF Enable = 1 and VF Migration Capable = 0", srcAdmin),
	req("AVQ-DRV-01", bothEditions, LevelMust, SideDriver, "make both buffer parts a multiple of 8 bytes (Linux's 25-byte DEV_MODE_SET breaks this)", srcAdmin),
	req("AVQ-DRV-02", bothEditions, LevelMust, SideDriver, "treat anything the device did not write as zero", srcAdmin),
	req("AVQ-DRV-03", bothEditions, LevelMust, SideDriver, "order commands across several admin queues itself", srcAdmin),
	req("AVQ-DRV-04", bothEditions, LevelShould, SideDriver, "retry a command that failed with EAGAIN", srcAdmin),

	// PCI transport.
	req("PCI-DEV-01", bothEditions, LevelMust, SideDevice, "admin_queue_index >= num_queues and admin_queue_num <= 0x10000 - admin_queue_index", srcPCI),
	req("PCI-DRV-01", bothEditions, LevelMust, SideDriver, "set up admin queues only at indices inside the advertised range; configuring fewer than offered is allowed", srcPCI),
	req("PCI-DEV-02", bothEditions, LevelMust, SideDevice, "the lo and hi 32-bit halves of every 64-bit field can be accessed independently", srcPCI),
	req("PCI-DEV-03", bothEditions, LevelMust, SideDevice, "writing 0 to device_status resets the device; it reads 0 once the reset is done", srcPCI),
	req("PCI-DEV-04", bothEditions, LevelMust, SideDevice, "a notification on a masked MSI-X vector sends no message: it sets the vector's pending bit, and unmasking the vector sends it and clears the bit", srcPCIMSIX),
	req("PCI-DEV-05", bothEditions, LevelMust, SideDevice, "an FLR returns the function's MSI-X table to its reset state (every vector masked) along with the virtio state", srcPCIFLR),
	req("PCI-DEV-06", bothEditions, LevelMust, SideDevice, "an MSI-X message is a write of the address and data of an entry of the function's table as the driver wrote it, inside the table; a notification whose vector is VIRTIO_MSI_NO_VECTOR (0xffff) sends none", srcPCIMSIX),
	req("PCI-DEV-07", bothEditions, LevelMust, SideDevice, "while MSI-X Enable is 0 the function sends no MSI-X message; while Function Mask is 1 every vector is masked, whatever its own Mask bit: a notification sets the vector's pending bit, and clearing Function Mask sends the pending message of every unmasked vector", srcPCIMSIXCtl),
	req("PCI-DEV-08", bothEditions, LevelMust, SideDevice, "config_generation changes when a device-specific configuration value changes, so that a driver that reads it around a read of the configuration sees the change", srcPCICfgGen),

	// Capabilities and resource objects (virtio-1.4).
	req("CAP-DEV-01", onlyVirtio14, LevelMust, SideDevice, "support all three capability commands or none; accept driver limits up to the device's and flag bits that are a subset of the device's", srcCap),
	req("CAP-DEV-02", onlyVirtio14, LevelMust, SideDevice, "capability commands on a group other than Self fail with EINVAL", srcCap),
	req("CAP-DEV-03", onlyVirtio14, LevelShould, SideDevice, "disabling a capability with live objects gives EBUSY; an unknown capability id gives ENXIO", srcCap),
	req("CAP-DEV-04", onlyVirtio14, LevelMust, SideDevice, "device reset resets every driver capability; a limit the driver never set counts as 0 (SHOULD)", srcCap),
	req("CAP-DRV-01", onlyVirtio14, LevelMust, SideDriver, "send DRIVER_CAP_SET before using objects, never exceed device values, never disable a capability while objects exist", srcCap),
	req("RES-DEV-01", onlyVirtio14, LevelShould, SideDevice, "CREATE on an existing id gives EEXIST; MODIFY/QUERY/DESTROY of a missing object gives ENXIO; a failed CREATE gives ENOSPC; an object others depend on gives EBUSY", srcRes),
	req("RES-DEV-02", onlyVirtio14, LevelMust, SideDevice, "an id can be re-created after DESTROY without a reset; a failed MODIFY has no side effects; QUERY returns the data of the last CREATE/MODIFY", srcRes),
	req("RES-DEV-03", onlyVirtio14, LevelMust, SideDevice, "device reset destroys every resource object", srcRes),
	req("RES-DRV-01", onlyVirtio14, LevelMust, SideDriver, "no duplicate ids, no more objects than the driver limit, destroy in reverse dependency order", srcRes),

	// Device parts and mode — device (virtio-1.4).
	req("DP-DEV-01", onlyVirtio14, LevelMust, SideDevice, "support all 8 device-parts, resource-object and mode commands together, or none", srcDP),
	req("DP-DEV-02", onlyVirtio14, LevelMust, SideDevice, "support repeated DEV_PARTS_GET and repeated DEV_PARTS_SET of the same or different parts", srcDP),
	req("DP-DEV-03", onlyVirtio14, LevelMust, SideDevice, "DEV_PARTS_GET returns parts in the required order (DEV_FEATURES, DRV_FEATURES, PCI_COMMON_CFG, DEVICE_STATUS, VQ_CFG, VQ_NOTIFY_CFG)", srcDP),
	req("DP-DEV-04", onlyVirtio14, LevelShould, SideDevice, "DEV_PARTS_SET on a member that is not stopped fails", srcDP),
	req("DP-DEV-05", onlyVirtio14, LevelMust, SideDevice, "DEV_PARTS_SET with a part length different from the device's fails", srcDP),
	req("DP-DEV-06", onlyVirtio14, LevelMust, SideDevice, "DEV_FEATURES in a SET is checked, never applied; PCI_COMMON_CFG and DEV_CFG are validated and read-only fields not applied (SHOULD)", srcDP),
	req("DP-DEV-07", onlyVirtio14, LevelMay, SideDevice, "OPTIONAL parts in a SET may be ignored; an invalid selected part may be left out of a GET", srcDP),
	req("DP-DEV-08", onlyVirtio14, LevelMust, SideDevice, "a failed DEV_PARTS_SET or DEV_MODE_SET has no side effects; SET values take effect when the member resumes", srcDP),
	req("DP-DEV-09", onlyVirtio14, LevelMust, SideDevice, "SR-IOV stop: start no PCI transaction, finish outstanding ones before DEV_MODE_SET completes, write back descriptors of every buffer already seen", srcDP),
	req("DP-DEV-10", onlyVirtio14, LevelMust, SideDevice, "SR-IOV stop: accept driver notifications (parts may change), answer PCI reads validly, keep PCI-architected behaviour, send no PME", srcDP),
	req("DP-DEV-11", onlyVirtio14, LevelMust, SideDevice, "stopped: no virtqueue or buffer memory access, no config-change or virtqueue notifications", srcDP),
	req("DP-DEV-12", onlyVirtio14, LevelMust, SideDevice, "SR-IOV: the reply to DEV_MODE_SET or DEV_PARTS_SET waits for an FLR, device reset or PM transition in progress", srcDP),
	req("DP-DEV-13", onlyVirtio14, LevelMust, SideDevice, "stop while stopped succeeds; resume while running succeeds", srcDP),
	req("DP-DEV-14", onlyVirtio14, LevelMust, SideDevice, "SR-IOV: member reset or FLR puts every device part back to its default", srcDP),
	req("DP-DEV-15", onlyVirtio14, LevelMust, SideDevice, "DEV_PARTS_METADATA_GET with a result buffer too small fails with ENOMEM", srcDPTheory),

	// Device parts and mode — driver.
	req("DP-DRV-01", onlyVirtio14, LevelMust, SideDriver, "stop the member (DEV_MODE_SET bit 0) before any DEV_PARTS_SET", srcDP),
	req("DP-DRV-02", onlyVirtio14, LevelMust, SideDriver, "send DEV_PARTS_SET parts in the required order", srcDP),
	req("DP-DRV-03", onlyVirtio14, LevelShould, SideDriver, "SR-IOV: should not access the member's device config space while it is stopped", srcDP),
	req("DP-DRV-04", onlyVirtio14, LevelShould, SideDriver, "allocate result buffers big enough for METADATA_GET(LIST) and DEV_PARTS_GET", srcDP),

	// Suspend.
	req("SUS-DRV-01", onlyVirtio14, LevelMust, SideDriver, "confirm SUSPEND=1 and DRIVER_OK=0 by reading back; while suspended no new buffers, notifications or config changes", srcSus),
	req("SUS-DEV-01", onlyVirtio14, LevelMust, SideDevice, "either suspend or set DEVICE_NEEDS_RESET; while suspended no vq access, notifications or config changes; a held config notification is sent on resume", srcSus),

	// draft-2023: modes.
	req("DRAFT-MODE-01", onlyDraft, LevelMust, SideDevice, "Active is the mode after the member is instantiated", seedOrigin+docModes),
	req("DRAFT-MODE-02", onlyDraft, LevelMust, SideDevice, "DEV_MODE_SET with mode 3..255 fails with EINVAL/INVALID_FIELD and has no side effects", simOrigin+docModes),
	req("DRAFT-MODE-03", onlyDraft, LevelMust, SideDevice, "setting the current mode again succeeds; Active to Freeze and Freeze to Active directly are allowed unless transitions=strict-chain", seedOrigin+docModes),
	req("DRAFT-MODE-04", onlyDraft, LevelMust, SideDevice, "DEV_MODE_GET returns the member's current mode", simOrigin+docModes),
	req("DRAFT-FLOW-01", onlyDraft, LevelShould, SideDriver, "on the source go Active, Stop, Freeze, so a device frozen early loses no notification from a peer not yet stopped", seedOrigin+docModes),
	req("DRAFT-FLOW-02", onlyDraft, LevelMust, SideDriver, "set Freeze only once the member driver has stopped accessing the device (vCPUs halted)", seedOrigin+docModes),

	// draft-2023: Stop.
	req("DRAFT-STOP-01", onlyDraft, LevelMust, SideDevice, "in Stop the device sends no notification (no used-buffer or config-change interrupt)", seedOrigin+docStates),
	req("DRAFT-STOP-02", onlyDraft, LevelMust, SideDevice, "in Stop the device touches no driver memory: neither the virtqueues nor the buffers they refer to", seedOrigin+docStates),
	req("DRAFT-STOP-03", onlyDraft, LevelMust, SideDevice, "in Stop the device accepts driver notifications; its context and device configuration may change", seedOrigin+docStates),

	// draft-2023: Freeze.
	req("DRAFT-FRZ-01", onlyDraft, LevelMust, SideDevice, "in Freeze the device accepts no driver notifications", seedOrigin+docStates),
	req("DRAFT-FRZ-02", onlyDraft, LevelMust, SideDevice, "in Freeze the device context does not change (no device-initiated changes either)", seedOrigin+docStates),
	req("DRAFT-FRZ-03", onlyDraft, LevelMust, SideDevice, "in Freeze the device ignores device-configuration writes", seedOrigin+docStates),

	// draft-2023: device context.
	req("DRAFT-CTX-01", onlyDraft, LevelMust, SideDevice, "DEV_CTX_WRITE only in Freeze (else EINVAL/INVALID_FIELD); written fields are latched and applied at the move to Active", seedOrigin+docCmds),
	req("DRAFT-CTX-02", onlyDraft, LevelMust, SideDevice, "reads are incremental and clear what they returned: the first read after Active or DISCARD returns every field, later reads only changed fields (read=incremental-clear)", seedOrigin+docCmds),
	req("DRAFT-CTX-03", onlyDraft, LevelMust, SideDevice, "DEV_CTX_DISCARD drops the read cursor and the incremental baseline: the next read returns the full context", simOrigin+docCmds),
	req("DRAFT-CTX-04", onlyDraft, LevelMust, SideDevice, "a DEV_CTX_READ result buffer smaller than the context gets a prefix of whole fields and remaining_ctx_size; the rest comes on the next read", simOrigin+docCmds),
	req("DRAFT-CTX-05", onlyDraft, LevelMust, SideDevice, "a context write may be split over several DEV_CTX_WRITEs at field boundaries; the most recently written value of each field is used at Active", seedOrigin+docCmds),
	req("DRAFT-CTX-06", onlyDraft, LevelMust, SideDevice, "DEV_CTX_SIZE_GET returns the bytes a read would return now; with freeze_mode=1 an upper bound for a read in Freeze", simOrigin+docCmds),
	req("DRAFT-CTX-07", onlyDraft, LevelMust, SideDevice, "a 64-bit register write frozen between its halves is carried in PCI_COMMON_RUNTIME_CFG; the guest writes the other half on the destination", seedOrigin+docCtx),
	req("DRAFT-CTX-08", onlyDraft, LevelMust, SideDevice, "context TLV values are 8-byte aligned and padded with zeros", simOrigin+docCtx),
	req("DRAFT-CTX-09", onlyDraft, LevelMust, SideDevice, "a virtio-net device's full context read carries NET_CVQ (its control-queue state) and NET_INFLIGHT (the requests it executed and did not complete, which a destination completes without executing them again)", simOrigin+docNetCtx),

	// draft-2023: FLR, reset, synchronisation, PCI.
	req("DRAFT-FLR-01", onlyDraft, LevelMust, SideDevice, "an FLR of the member updates its device context", seedOrigin+docFLR),
	req("DRAFT-SYNC-01", onlyDraft, LevelMust, SideDevice, "the device is the single synchronisation point for FLR, reset and mode changes: a Freeze completed after an FLR started sees the FLR-completed member", seedOrigin+docFLR),
	req("DRAFT-PCI-01", onlyDraft, LevelMust, SideDevice, "PCI transport registers stay accessible and behave the same in every mode", seedOrigin+docPCI),
}

func (r Requirement) clone() Requirement {
	r.Editions = append([]Edition(nil), r.Editions...)
	return r
}

// Requirements returns the whole catalog in a stable order: the IDs of the
// merged text grouped by topic (admin device, admin queue device, admin
// driver, admin queue driver, PCI, capabilities, resource objects, device
// parts, suspend), then the DRAFT-* IDs, then the device-type IDs (NET-*,
// requirements_net.go). The slice is a copy.
func Requirements() []Requirement {
	out := make([]Requirement, len(catalog))
	for i, r := range catalog {
		out[i] = r.clone()
	}
	return out
}

// AppliesTo reports whether the requirement binds edition e.
func (r Requirement) AppliesTo(e Edition) bool {
	for _, x := range r.Editions {
		if x == e {
			return true
		}
	}
	return false
}

// RequirementsFor returns the requirements that apply to edition e, in
// catalog order.
func RequirementsFor(e Edition) []Requirement {
	var out []Requirement
	for _, r := range catalog {
		if r.AppliesTo(e) {
			out = append(out, r.clone())
		}
	}
	return out
}

// LookupRequirement returns the requirement with the given ID.
func LookupRequirement(id string) (Requirement, bool) {
	for _, r := range catalog {
		if r.ID == id {
			return r.clone(), true
		}
	}
	return Requirement{}, false
}
