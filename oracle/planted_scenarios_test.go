package oracle_test

// The scenarios of the planted-bug suite: small worlds, one VF, one fixed
// schedule each.

// stopKick stops the source, has a peer ring the doorbell and resumes.
const stopKick = `scenario stop-kick
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  await resumed
  read sector=0 count=2
peer p2p
  await stopped
  kick vf=1 q=0
  signal kicked
hypervisor edition=draft-2023
  await ready
  mode src stop
  signal stopped
  await kicked
  mode src active
  signal resumed
hypervisor edition=virtio-1.4
  await ready
  mode src stopped
  signal stopped
  await kicked
  mode src running
  signal resumed
`

// freezeKick freezes the source, has a peer ring the doorbell and resumes.
const freezeKick = `scenario freeze-kick
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  await resumed
  read sector=0 count=2
peer p2p
  await frozen
  kick vf=1 q=0
  signal kicked
hypervisor
  await ready
  halt-vcpus
  mode src stop
  mode src freeze
  read src
  signal frozen
  await kicked
  mode src active
  resume-vcpus
  signal resumed
`

// badMode asks for a reserved draft mode.
const badMode = `scenario bad-mode
vfs 1
guest vcpu0
  probe
  signal probed
hypervisor
  await probed
  mode src 7
`

// directFreeze sets Freeze straight from Active, which
// transitions=strict-chain refuses (DRAFT-MODE-03, which fixes no
// qualifier).
const directFreeze = `scenario direct-freeze
vfs 1
guest vcpu0
  probe
  signal probed
hypervisor
  await probed
  mode src freeze
`

// writeInActive writes the context it read back while the member is
// Active, which DRAFT-CTX-01 refuses with EINVAL/INVALID_FIELD.
const writeInActive = `scenario write-in-active
vfs 1
guest vcpu0
  probe
  signal probed
hypervisor
  await probed
  read src
  write src fails=EINVAL/INVALID_FIELD
`

// readTooSmall reads the draft context into an 8-byte buffer, too small
// for its first field: ENOMEM/NORESOURCE, and the flow goes on.
const readTooSmall = `scenario read-too-small
vfs 1
guest vcpu0
  probe
  signal probed
hypervisor
  await probed
  read src chunk=8 fails=ENOMEM/NORESOURCE
`

// badModeVF2 asks for a reserved draft mode for the second VF of two.
const badModeVF2 = `scenario bad-mode-vf2
vfs 2
guest vcpu0 vf=1
  probe
  signal probed1
guest vcpu1 vf=2
  probe
  signal probed2
hypervisor
  await probed1
  await probed2
  mode src 7 vf=2
`

// stopOnly stops the source and ends.
const stopOnly = `scenario stop-only
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
hypervisor
  await ready
  mode src stop
`

// freezeRead freezes the source straight from Active and reads it: the
// read returns the whole context.
const freezeRead = `scenario freeze-read
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
hypervisor
  await ready
  halt-vcpus
  mode src freeze
  read src
  resume-vcpus
`

// stopOnly14 stops the source and ends (virtio-1.4).
const stopOnly14 = `scenario stop-only
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
hypervisor
  await ready
  mode src stopped
`

// precopyOnly14 reads the running source in PRE_COPY (METADATA_GET(SIZE),
// then DEV_PARTS_GET(ALL) into Linux's page-sized buffer) and resumes it:
// every parts read is taken while the member runs.
const precopyOnly14 = `scenario precopy-only
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
hypervisor
  await ready
  vfio src PRE_COPY
  precopy src
  vfio src RUNNING
`

// latchKickIncremental: the guest writes WCE in Stop, so the first Freeze
// read is incremental; a peer rings the frozen VF's doorbell between the
// DEV_CTX_SIZE_GET and the DEV_CTX_READ that follows it. Under
// freeze-notify=latch the member keeps the doorbell in its context, so
// the read no longer fits the size and goes on at the cursor.
const latchKickIncremental = `scenario latch-kick-incr
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x75
  signal ready
  post write sector=2 count=2 pattern=0x76
  await stopped
  wce off
  signal posted
  wait
  read sector=0 count=4
peer p2p
  await frozen
  kick vf=1 q=0
  signal kicked
hypervisor
  await ready
  mode src stop
  read src
  signal stopped
  await posted
  halt-vcpus
  mode src freeze
  signal frozen
  read src
  await kicked
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  switchover dst
  mode dst active
  resume-vcpus
`

// saveLoad migrates with virtio-1.4 save and load; extra goes before the
// load.
func saveLoad(extra string) string {
	return `scenario save-load
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
hypervisor on-error=rollback
  await ready
  halt-vcpus
  mode src stopped
  save src
  copy-memory dst
  copy-pci dst
  mode dst stopped
` + extra + `  load dst
  switchover dst
  mode dst running
  resume-vcpus
`
}

// pfFLRDuringLoad: a host peer resets the destination's PF while the
// hypervisor's load has an admin command outstanding there; the reset
// loses the command and removes the destination's VFs.
const pfFLRDuringLoad = `scenario pf-flr-during-load
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
peer host
  await loading
  pf-flr dst while=admin-outstanding
hypervisor on-error=rollback
  await ready
  halt-vcpus
  mode src stopped
  save src
  copy-memory dst
  copy-pci dst
  mode dst stopped
  signal loading
  load dst
  switchover dst
  mode dst running
  resume-vcpus
`

// dropWrite migrates with the draft default flow, then the guest reads on
// the destination.
const dropWrite = `scenario drop-write
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  await moved
  read sector=0 count=2
hypervisor
  await ready
  mode src stop
  read src
  halt-vcpus
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  switchover dst
  mode dst active
  resume-vcpus
  signal moved
`

// readResumeRead reads the frozen source, resumes it for the guest's next
// request, which moves its queue on, and reads it frozen again: two
// quiesced epochs whose draft contexts differ (virtio-1.4: the source is
// stopped and saved twice).
const readResumeRead = `scenario read-resume-read
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  await resumed
  write sector=2 count=2 pattern=0x42
  signal written
hypervisor edition=draft-2023
  await ready
  mode src stop
  mode src freeze
  read src
  mode src active
  signal resumed
  await written
  mode src stop
  mode src freeze
  read src
  mode src active
hypervisor edition=virtio-1.4
  await ready
  mode src stopped
  save src
  mode src running
  signal resumed
  await written
  mode src stopped
  save src
  mode src running
`

// stopThenIncompatible stops the source, lets the guest submit a request
// and only then checks the destination, which runs virtio-net.
func stopThenIncompatible(onError string) string {
	return `scenario stop-then-incompatible
vfs 1
set dst-caps=net
guest vcpu0
  probe
  signal ready
  await go
  write sector=0 count=2 pattern=0x41
hypervisor on-error=` + onError + `
  await ready
  mode src stop
  signal go
  precheck dst
`
}

// haltedThenIncompatible halts the vCPUs and stops the source before a
// precheck that fails, with on-error=stop: nobody resumes the vCPUs, so
// the guest's log ends where the halt caught it.
const haltedThenIncompatible = `scenario halted-then-incompatible
vfs 1
set dst-caps=net
guest vcpu0
  probe
  signal ready
  write sector=0 count=2 pattern=0x41
hypervisor on-error=stop
  await ready
  halt-vcpus
  mode src stop
  precheck dst
`

// compatGuest keeps writing while the hypervisor runs; the one-running
// flows follow it.
const compatGuest = `scenario planted
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  submit write sector=2 count=2 pattern=0x42
  wait
  read sector=0 count=4

`

// objLimitRollback: a VM of three VFs on an owner with two resource
// objects. The default virtio-1.4 flow's destination RESUMING runs out of
// objects at VF 3 and rolls back before any source VF moved: the source
// runs every VF of the VM, including VF 2 and 3, which nothing touched
// (no member was built for them: they are Active, as the host knows it).
const objLimitRollback = `scenario planted
vfs 3
set vm-vfs=1-3
set obj-limit=2
guest vcpu0 vf=1
  probe
  write sector=0 count=2 pattern=0x41
  read sector=0 count=2
`

const bothRunning = `hypervisor
  await ready
  vfio src PRE_COPY
  precopy src
  halt-vcpus
  vfio src PRE_COPY_P2P
  vfio src STOP_COPY
  copy-memory dst
  copy-pci dst
  vfio dst RESUMING
  vfio-write dst
  vfio dst STOP
  vfio dst RUNNING
  vfio src RUNNING
  resume-vcpus
`

const neitherRunning = `hypervisor
  await ready
  halt-vcpus
  mode src stop
  mode src freeze
  read src
  mode dst freeze
  write dst
  resume-vcpus
`

const wrongHost = `hypervisor
  await ready
  halt-vcpus
  mode src stop
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  mode dst active
  resume-vcpus
`

const rollbackAfterResume = `hypervisor on-error=rollback
  await ready
  halt-vcpus
  mode src stop
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  mode dst active
  mode dst sideways
`

// switchedEmpty switches the VM over to a destination that never took
// its state (no write or load, no mode command there): the VM now runs
// on dst, whose VFs run nothing of it, and the source stays frozen.
const switchedEmpty = `hypervisor
  await ready
  halt-vcpus
  mode src stop
  mode src freeze
  copy-memory dst
  copy-pci dst
  switchover dst
  resume-vcpus
`

const sourceOnly = `hypervisor
  await ready
  mode src stop
`

// resumeBeforeSwitchover resumes the destination before the switchover
// while the source, frozen, keeps the VM: the hypervisor's early resume,
// which no-run-before-resume leaves to the flow (the destination may run
// from the resume on): a request the guest submitted that the source had
// not served when it stopped is served by the destination, which DMAs
// while the VM still runs on the source.
const resumeBeforeSwitchover = `scenario resume-before-switchover
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  submit write sector=2 count=2 pattern=0x42
  wait
  read sector=0 count=4
hypervisor
  await ready
  mode src stop
  read src
  halt-vcpus
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  mode dst active
  switchover dst
  resume-vcpus
`

// flrEndsDestinationStop: a host peer FLRs the destination VF after the
// hypervisor stopped it (virtio-1.4); under mode-after-flr=running the FLR
// ends the stop, and the member runs by default, the VM still on the
// source, until the hypervisor, once the FLR is over, copies the VF's PCI
// state again (the FLR reset its MSI-X table), stops it again, loads it
// and resumes it after the switchover: the FLR window of
// no-run-before-resume.
const flrEndsDestinationStop = `scenario flr-ends-destination-stop
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
peer host
  await dst-stopped
  vf-flr dst vf=1
  signal flr
hypervisor
  await ready
  halt-vcpus
  mode src stopped
  save src
  copy-memory dst
  copy-pci dst
  mode dst stopped
  signal dst-stopped
  await flr
  sleep ms=150
  copy-pci dst
  mode dst stopped
  load dst
  switchover dst
  mode dst running
  resume-vcpus
`
