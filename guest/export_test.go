package guest

// The window sizes of Allocator, for the external test.
const (
	RingWindow = ringWindow
	BufWindow  = bufWindow
)
