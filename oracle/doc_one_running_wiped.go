package oracle

// docOneRunningWiped is the section of docs/oracles.md on why one-running
// leaves out a destination VF an FLR wiped.
const docOneRunningWiped = `
## A destination an FLR wiped does not run the VM

` + "`one-running`" + ` guards against two copies of one device serving the VM at once: both reach the
disk, each DMAs into its own copy of guest memory, and the guest sees whichever it last talked
to. It reads the owner's modes, and a member in Active (draft-2023) or running (virtio-1.4)
counts. Mode alone over-counts one case: the host FLRs a destination's VF after the state write
succeeded (the write gone wrong, or the destination given up), and the hypervisor goes on to
another destination. Under mode-after-flr=running (the default: virtio-1.4 is silent, Linux
assumes the member runs after an FLR) the FLR leaves the VF in Active, but an FLR resets the
function: device_status 0, every virtqueue disabled, the device context back to its defaults
(draft-2023 DRAFT-FLR-01; virtio-1.4 DP-DEV-14, admin-cmds-device-parts.tex: every device part
back to its default), nothing of any driver left. A member device in Active only runs what a driver set up in it: with no queue and DRIVER_OK clear
it has no address to read or write and sends no notification (virtio "Device Status Field",
"Device Initialization"). On a destination the VM never ran on no driver exists to set it up
again, and nothing of the VM's state is left in it. Real stacks agree: on a failed or redirected
migration libvirt kills the destination QEMU, whose release of the VF makes vfio-pci reset it
(drivers/vfio/pci/vfio_pci_core.c, vfio_pci_core_disable, which tries a function reset), and
nobody treats that VF as a second copy of the guest.

So a VF counts as running the VM unless all of these hold, each something the host observes
(world/ownerview, ` + "`OwnerView.Wiped`" + `):

- **It is on a destination the VM does not run on** (not the source, not the host of the
  switchover). A host the VM runs on, or the source the VM started on, has a guest driver that
  may set the VF up again after the FLR; there the mode decides, as before.
- **An FLR the host saw ended after the last state write or load that succeeded on it**
  (draft-2023 DEV_CTX_WRITE, virtio-1.4 DEV_PARTS_SET). The host knows when Initiate FLR was
  written and waits its 100 ms; under flr-vs-mode=defer-flr the move to Active carries the FLR out.
  A write or load after the FLR gives the VF the VM's state again: it counts.
- **No memory write reached the VF since** (a driver, or the host, setting it up again).

A destination the VM was resumed on, or one written again after the FLR and resumed, still
counts, and so does a source never stopped (` + "`go test ./oracle -run 'TestPlanted/one-running/'`" + `).
The catalog's one-running findings all concern the source (flr-during-freeze under
flr-vs-mode=complete-anyway, flr-while-stopped under virtio-1.4: the guest's own FLR ends the
source's stop; the VM ran there and its driver may set the VF up again) or a destination
resumed before a failed load (vm-load-fails-after-partial-resume, no FLR): none of them changes.
`
