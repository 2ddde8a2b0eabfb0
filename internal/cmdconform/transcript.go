package cmdconform

import (
	"fmt"
	"io"
)

// serialTranscript sets o to one process per row and one run at a time,
// as --transcript runs: a transcript is the exchange in the order the kit
// made it, and with several processes or runs side by side that order,
// the request ids of a process, the dev numbers of a row and the devices
// each `new` drops follow the machine's scheduling, so that two runs of
// one command would write different bytes. The verdicts do not depend on
// either flag (conformance.Budget.Jobs; a process serves any device).
// When the user gave --procs (procs) or --jobs (jobs) other than 1,
// stderr says so.
func serialTranscript(o *conformOptions, procs, jobs bool, stderr io.Writer) {
	if (procs && o.procs != 1) || (jobs && o.jobs != 1) {
		fmt.Fprintln(stderr, "migsim conform: --transcript runs one process and one run at a time (--procs 1 --jobs 1), so that the same command writes the same transcript")
	}
	o.procs, o.jobs = 1, 1
}
