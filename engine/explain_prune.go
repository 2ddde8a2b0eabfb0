package engine

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

// tightest drops, one at a time in the order found, an order whose
// reversed run also reverses another order left whose own reversed run
// does not reverse it: that run does not show the first order by itself,
// the other one names the cause more closely (hastening a peer's doorbell
// past the owner's doorbell write also takes it past the admin command
// that write posts). At least one order is left.
func (x *explainer) tightest(os []Order) []Order {
	out := append([]Order(nil), os...)
	for dropped := true; dropped; {
		dropped = false
		for i, o := range out {
			for k, p := range out {
				if k != i && x.reverses(o.gone, p) && !x.reverses(p.gone, o) {
					out = append(out[:i:i], out[i+1:]...)
					dropped = true
					break
				}
			}
			if dropped {
				break
			}
		}
	}
	return out
}

// reverses reports whether run cs ran both steps of o, After first.
func (x *explainer) reverses(cs []Choice, o Order) bool {
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
