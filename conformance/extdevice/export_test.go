package extdevice

// PIDs returns the process ids of a pool's processes (for tests that check
// nothing is left behind).
func PIDs(p *Pool) []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for _, proc := range p.procs {
		out = append(out, proc.cmd.Process.Pid)
	}
	return out
}

// SessionTranscript is where TestProtocolDocTranscript keeps the whole
// transcript of its session, the fuzz targets' seeds.
const SessionTranscript = sessionTranscript
