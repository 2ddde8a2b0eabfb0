package hv

// FlowOutcome is how the hypervisor's program ended.
type FlowOutcome struct {
	// Actor names the hypervisor actor.
	Actor string
	// Err is the error that stopped the program; nil when every operation
	// succeeded. Name is the name its `error NAME` verdict would carry.
	Err  error
	Name string
	// File, Line and Verb locate the operation that failed (File is the
	// scenario file or the edition's default flow).
	File string
	Line int
	Verb string
	// OnError is the program's on-error: stop or rollback.
	OnError string
	// Message is the flow verdict's message: the failing operation, the
	// error, hosts whose VFs vanished, the rollback.
	Message string
}
