// Package extdevice runs a member device as an external process: the
// device protocol of docs/device-protocol.md, newline-delimited JSON on the
// process's stdin and stdout, with a version handshake first and a
// wall-clock deadline on every request.
//
// The kit's side is Pool: it starts the command (up to Options.Procs
// processes, each serving many devices), and its Factory builds
// member.Devices that forward every event and answer the process's nested
// requests (guest-memory reads and writes through the device's
// member.Config.Mem, so the world observes every DMA; disk reads, writes
// and flushes on the disk in member.Config.Backing; for a device that
// declares type net, the world's member/net port in Backing stays with the
// kit, which sends the device what reaches the port and replays on it what
// the device reports doing with frames). Status and
// ContextDigest come with every reply, so they cost no round trip. A
// malformed, late, unexpected or missing message, a process that dies or
// floods its output ends the pool with an *Error that names the request
// and the message; a device panics with it (Handle cannot return an
// error) and the engine reports the panic as a finding of the run. A
// guest-memory access outside the guest is a fault of that run only.
//
// The device's side is Serve: it answers the protocol with any
// member.Factory, and is what an external device written in Go runs in its
// main (examples/extblk is the reference virtio-blk, examples/extnet the
// reference virtio-net, served on a port of its own). A device in another
// language implements the same messages from docs/device-protocol.md.
//
// The messages themselves (Message and its parts) and their strict JSON
// codec are package wire's (conformance/extdevice/wire); this package's
// types of the same names are aliases of them.
//
// StartServed is a Pool whose devices are Go serve functions (Serve, as
// such a main runs it) in goroutines over in-memory pipes instead of
// processes: the same kit side and the same bytes without exec, OS pipes
// or system calls, for testing a Go device's protocol handling and the
// kit itself.
package extdevice
