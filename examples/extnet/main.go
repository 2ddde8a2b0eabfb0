// Command extnet is the reference virtio-net member device (package
// member/net) as an external process: it declares "type":"net" in its
// hello and speaks the device protocol of docs/device-protocol.md on stdin
// and stdout through conformance/extdevice.Serve, its network side
// (frames, link state, announce requests) through the kit. Run the
// conformance kit against it with
//
//	go build -o extnet ./examples/extnet
//	migsim conform --device exec:./extnet
//
// Its verdict table equals the in-process device's (`--device builtin:net`).
package main

import (
	"fmt"
	"os"

	"github.com/migsim/migsim/conformance/extdevice"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

func main() {
	info := extdevice.Info{Name: "extnet (the reference virtio-net)", Editions: spec.Editions, Knobs: extdevice.AllKnobs(),
		Type: extdevice.TypeNet}
	if err := extdevice.Serve(os.Stdin, os.Stdout, membernet.New, info); err != nil {
		fmt.Fprintln(os.Stderr, "extnet:", err)
		os.Exit(1)
	}
}
