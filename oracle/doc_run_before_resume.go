package oracle

// docRunBeforeResume is the section of docs/oracles.md on
// no-run-before-resume's design.
const docRunBeforeResume = `
## A destination that runs before its resume

During a migration the destination's copy of a VF must stay still until the hypervisor resumes
it: the guest still runs on the source, which owns the guest's memory and interrupts, and a
destination that serves a queue, writes memory or raises an interrupt then acts on a guest it
does not own (a request the source serves as well). Before
` + "`no-run-before-resume`" + ` only ` + "`one-running`" + ` noticed such a device, and only when it still
ran at the end of the flow. What a host observes of it is the destination VF's TLPs on the bus
(its memory reads and writes toward guest memory, its MSI-X messages) before the hypervisor
resumed it; the oracle judges those, never the device's report about itself:

- **A VF of the VM, on a host that is neither the source nor the host the VM runs on.** The
  source's members run from the VM's start; after the switchover the stopped oracles judge it and
  ` + "`one-running`" + ` judges a source still running at the end. The destination, once the VM runs
  there (the switchover), is the VM's.
- **Keyed on the hypervisor's resume, not on the switchover.** A member is resumed from the
  submission of a mode command that runs it (draft-2023 DEV_MODE_SET Active, virtio-1.4
  DEV_MODE_SET with the stopped bit clear; the device may act on it as soon as it is submitted)
  until the host reads the successful completion of a stop (world/ownerview, ` + "`OwnerView.Resumed`" + `).
  A hypervisor that resumes the destination before the switchover, as in
  ` + "`vm-load-fails-after-partial-resume`" + `, is the flow's doing, not the device's: the oracle stays
  silent and ` + "`one-running`" + ` judges how the flow ends.
- **The stopped windows are the stopped oracles'.** While the host knows the member is stopped
  (Stop, Freeze or stopped, no resume outstanding), ` + "`no-dma-when-stopped`" + ` and
  ` + "`no-notify-when-stopped`" + ` judge it with the edition's rule, and run first. What is left is a
  destination member running only by default: Active from its creation (draft-2023's flow copies
  the VF's PCI state and freezes the destination only then; a virtio-1.4 program may copy it
  before it stops the destination), or because an FLR ended its stop (mode-after-flr=running)
  before the hypervisor resumed it.

Every catalog row keeps its verdict with the oracle (` + "`go test ./catalog -run TestQuestionsCatalog`" + `):
with the reference devices no exploration of the catalog shows it. Its planted bugs are a device
that raises a configuration interrupt when its MSI-X table is written while it is Active, which
the hypervisor's copy of the PCI state does on the destination before it stops it, and, for the
FLR window, a device that does so (or reads guest memory) only once an FLR has ended its stop: a
host peer FLRs the stopped destination (virtio-1.4, mode-after-flr=running), and the hypervisor,
once the FLR is over, copies the VF's PCI state again before it stops, loads and resumes it. The
reference device stays silent in the same window.
`
