package extdevice

// PIDs returns the process ids of a pool's processes (for tests that check
// nothing is left behind); a served pool has none.
func PIDs(p *Pool) []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for _, proc := range p.procs {
		if e, ok := proc.dev.(*execRunner); ok {
			out = append(out, e.cmd.Process.Pid)
		}
	}
	return out
}

// SessionTranscript is where TestProtocolDocTranscript keeps the whole
// transcript of its session, the fuzz targets' seeds.
const SessionTranscript = sessionTranscript

// PoolOptions returns the options a pool runs with, its defaults filled.
func PoolOptions(p *Pool) Options { return p.opts }
