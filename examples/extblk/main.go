// Command extblk is the reference virtio-blk member device (package
// member/blk) as an external process: it speaks the device protocol of
// docs/device-protocol.md on stdin and stdout through
// conformance/extdevice.Serve. Run the conformance kit against it with
//
//	go build -o extblk ./examples/extblk
//	migsim conform --device exec:./extblk
//
// Its verdict table equals the in-process device's (`--device builtin:blk`).
// A device written in another language speaks the same protocol.
package main

import (
	"fmt"
	"os"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

func main() {
	info := extdevice.Info{Name: "extblk (the reference virtio-blk)", Editions: spec.Editions, Knobs: extdevice.AllKnobs()}
	if err := extdevice.Serve(os.Stdin, os.Stdout, blk.New, info); err != nil {
		fmt.Fprintln(os.Stderr, "extblk:", err)
		os.Exit(1)
	}
}
