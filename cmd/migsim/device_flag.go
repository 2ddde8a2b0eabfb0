package main

import (
	"github.com/migsim/migsim/internal/cmdbase"
)

// The device a command replays a schedule with, and the exit status of a
// run with it (internal/cmdbase).
var (
	scheduleDevice = cmdbase.ScheduleDevice
	deviceContext  = cmdbase.DeviceContext
	runFailed      = cmdbase.RunFailed
)

// What every command shares: interrupts and the file-system errors of its
// output files (internal/cmdbase).
var (
	interrupts       = cmdbase.Interrupts
	phasedInterrupts = cmdbase.PhasedInterrupts
	outputFileError  = cmdbase.OutputFileError
	usageError       = cmdbase.UsageError
)
