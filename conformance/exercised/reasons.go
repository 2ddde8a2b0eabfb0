package exercised

import (
	"fmt"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/spec"
)

// Reasons says which of ids a row's run did not exercise, and why
// (Why), reading the features the guests negotiated from the row's run
// without migration (catalog.Target.Reference, with t's members: the
// device under test, a virtio-net when t.NetMember is set, else a
// virtio-blk). It runs nothing when none of ids needs a feature, and
// returns nil when every one of them was exercised.
func Reasons(t catalog.Target, ids []string) map[string]string {
	var needy []string
	for _, id := range ids {
		if len(needs[id]) > 0 {
			needy = append(needy, id)
		}
	}
	if len(needy) == 0 {
		return nil
	}
	dev := spec.VirtioDeviceIDBlk
	if t.NetMember != nil {
		dev = spec.VirtioDeviceIDNet
	}
	out := map[string]string{}
	log, err := t.Reference(0)
	fs, ok := Negotiated(dev, log)
	for _, id := range needy {
		switch {
		case err != nil:
			out[id] = fmt.Sprintf("the row's run without migration failed: %v", err)
		case !ok:
			out[id] = "no guest driver of the row's run negotiated features"
		default:
			if why := Why(dev, id, fs); why != "" {
				out[id] = why
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
