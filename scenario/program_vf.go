package scenario

import "math"

// VF is the VF a guest or peer block binds to (`vf=N`): N when it reads
// as a number in 1..2^31-1, 0 when it does not (Check reports it), and
// without vf= 1 for a guest (the first VF) and 0 for a peer (a peer
// backed by no VF) or any other block.
func (p *Program) VF() int {
	if v, ok := Lookup(p.Args, "vf"); ok {
		n, _ := ReadNumber(v, 1, math.MaxInt32)
		return int(n)
	}
	if p.Kind == ActorGuest {
		return 1
	}
	return 0
}
