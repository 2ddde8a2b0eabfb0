package vocab

import (
	"fmt"
	"math"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// CheckGuestVFs refuses two guest programs on one VF that run together
// (both for one edition, or either for every edition): each guest block
// is a vCPU running its own instance of its driver, and a host binds one
// driver to a PCI function (Linux's driver core, really_probe, binds a
// device to one driver; a virtio-pci driver owns the function's
// device_status and queues alone), so two drivers on one VF are no
// configuration a host can have. Blocks limited to different editions
// never run together and may share a VF. Each clash is reported at the
// later block's vf= (or its name when it takes the default VF 1), naming
// the earlier block's line; the error is a *scenario.CheckError.
func CheckGuestVFs(s *scenario.Scenario) error {
	byVF := map[int]*firstGuests{}
	var probs []*scenario.ParseError
	for _, p := range s.Actors {
		if p.Kind != scenario.ActorGuest {
			continue
		}
		vf, at := 1, scenario.Pos{Line: p.Line, Col: p.NameCol}
		for _, a := range p.Args {
			if a.Key != "vf" {
				continue
			}
			n, err := scenario.ParseNumber(a.Value, 1, math.MaxInt32)
			if err != nil {
				vf = 0 // scenario.Check reports it
				break
			}
			vf, at = int(n), a.Pos
		}
		if vf == 0 {
			continue
		}
		f := byVF[vf]
		if f == nil {
			f = &firstGuests{byEd: map[spec.Edition]*scenario.Program{}}
			byVF[vf] = f
		}
		if q := f.clash(p); q != nil {
			probs = append(probs, &scenario.ParseError{File: s.File, Line: at.Line, Col: at.Col,
				Msg: fmt.Sprintf("guest %s: VF %d has a driver already, guest %s's (line %d): one driver binds a VF, "+
					"give each guest its own vf= (blocks for different editions may share one)", p.Name, vf, q.Name, q.Line)})
		}
		if f.any == nil {
			f.any = p
		}
		if f.byEd[p.Edition] == nil {
			f.byEd[p.Edition] = p
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return &scenario.CheckError{Problems: probs}
}

// firstGuests are the first guest programs on one VF: the first of all,
// and the first of each edition (0: of every edition).
type firstGuests struct {
	any  *scenario.Program
	byEd map[spec.Edition]*scenario.Program
}

// clash returns the earliest program of f that runs together with p: the
// first of all for a block of every edition, else the earlier of the
// first of every edition and the first of p's.
func (f *firstGuests) clash(p *scenario.Program) *scenario.Program {
	if p.Edition == 0 {
		return f.any
	}
	q, r := f.byEd[0], f.byEd[p.Edition]
	if q == nil || (r != nil && r.Line < q.Line) {
		return r
	}
	return q
}
