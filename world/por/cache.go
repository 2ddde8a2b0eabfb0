package por

import "sync"

// cache is a process-wide map from K to immutable values, safe for
// concurrent explore jobs. Lookups take a read lock on a typed map, which
// is several times cheaper than sync.Map's interface-keyed lookup on the
// footprint path (every enabled step of every decision).
type cache[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// get returns the value of k, building it with build on first use. Two
// jobs may build the same value at once; both results are equal, and the
// first stored wins.
func (c *cache[K, V]) get(k K, build func() V) V {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return v
	}
	v = build()
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		return old
	}
	if c.m == nil {
		c.m = make(map[K]V)
	}
	c.m[k] = v
	return v
}
