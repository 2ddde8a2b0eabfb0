package explain

import "github.com/migsim/migsim/engine"

// strongest drops the orders another one implies through program order:
// (a, b) when there is (a2, b2) with a2 a later step of a's actor (or a
// itself) and b2 an earlier step of b's actor (or b itself), since a runs
// before a2 and b2 before b. Delaying a guest's first step delays its
// whole program, so only its last step that must precede b says
// something.
func (x *explainer) strongest(os []Order) []Order {
	var out []Order
	for i, o := range os {
		implied := false
		for k, p := range os {
			if k == i || x.cs[p.Before].Actor != x.cs[o.Before].Actor || x.cs[p.After].Actor != x.cs[o.After].Actor {
				continue
			}
			if p.Before >= o.Before && p.After <= o.After && (p.Before != o.Before || p.After != o.After || k < i) {
				implied = true
				break
			}
		}
		if !implied {
			out = append(out, o)
		}
	}
	return out
}

// tightest drops an order whose reversed run also reverses another
// order that is kept, when that other's own reversed run leaves the first
// in place: the first run does not show its order by itself, the other
// names the cause more closely (hastening a peer's doorbell past the
// owner's doorbell write also takes it past the admin command that write
// posts). Which orders are kept is decided from the orders whose runs
// reverse no other one upwards, so it does not depend on the order they
// were found in; orders left undecided by a cycle are kept.
func (x *explainer) tightest(os []Order) []Order {
	n := len(os)
	// over[i][k]: i's reversed run reverses k, and k's leaves i in place.
	over := make([][]bool, n)
	for i := range os {
		over[i] = make([]bool, n)
		for k := range os {
			over[i][k] = k != i && x.reverses(os[i].gone, os[k]) && !x.reverses(os[k].gone, os[i])
		}
	}
	const undecided, kept, dropped = 0, 1, 2
	state := make([]int, n)
	for changed := true; changed; {
		changed = false
		for i := range os {
			if state[i] != undecided {
				continue
			}
			all := true
			for k := range os {
				if !over[i][k] {
					continue
				}
				if state[k] == kept {
					state[i], changed = dropped, true
					break
				}
				all = all && state[k] == dropped
			}
			if state[i] == undecided && all {
				state[i], changed = kept, true
			}
		}
	}
	var out []Order
	for i, o := range os {
		if state[i] != dropped {
			out = append(out, o)
		}
	}
	return out
}

// reverses reports whether run cs ran both steps of o, After first.
func (x *explainer) reverses(cs []engine.Choice, o Order) bool {
	b, a := x.where(cs, o.Before), x.where(cs, o.After)
	return a >= 0 && b >= 0 && a < b
}

// dedupe keeps the first order of each pair of labels (a loop's repeated
// steps race alike).
func (x *explainer) dedupe(os []Order) []Order {
	seen := map[[2]string]bool{}
	var out []Order
	for _, o := range os {
		k := [2]string{x.cs[o.Before].Label, x.cs[o.After].Label}
		if !seen[k] {
			seen[k] = true
			out = append(out, o)
		}
	}
	return out
}
