package virtq

import "fmt"

// indexError describes a ring index (avail idx or used idx) that moved
// further than the queue allows from the last value its reader consumed:
// one less than last by up to 2^15 (compared as the wrapping distance of
// the 16-bit free-running counters, virtio spec "The Virtqueue Available
// Ring" and "The Virtqueue Used Ring") went back, any other moved more
// than size ahead.
func indexError(name string, idx, last uint16, lastName string, size uint16) error {
	if d := idx - last; int16(d) < 0 {
		return fmt.Errorf("virtq: %s went back from %d to %d: the index only moves forward", name, last, idx)
	}
	return fmt.Errorf("virtq: %s %d is %d ahead of %s %d, more than queue size %d", name, idx, idx-last, lastName, last, size)
}
