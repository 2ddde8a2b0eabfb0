package hv

import (
	"fmt"
	"math"
	"strings"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/hv/devimpl"
)

// parseMode reads the mode word of a `mode HOST MODE` line in the edition's
// own words (Active/Stop/Freeze, running/stopped), case-insensitively.
func parseMode(ed spec.Edition, s string) (spec.Mode, bool) {
	// A number is sent as is (draft-2023), so a scenario can run a
	// hypervisor that asks for a reserved mode.
	if n, ok := scenario.ReadNumber(s, 0, math.MaxUint8); ok && ed == spec.Draft2023 {
		return spec.Mode(n), true
	}
	for _, m := range ed.Modes() {
		if strings.EqualFold(ed.ModeName(m), s) {
			return m, true
		}
	}
	return 0, false
}

func (hv *Hypervisor) mode(op scenario.Op, h Host, d *owner.Driver) error {
	var word string
	for _, a := range op.Args[1:] {
		if a.Key == "" {
			word = a.Value
		}
	}
	m, ok := parseMode(hv.ed, word)
	if !ok && hv.ed == spec.Virtio14 {
		if _, draft := parseMode(spec.Draft2023, word); draft {
			return hv.editionError(op, word)
		}
	}
	if !ok {
		var names []string
		for _, x := range hv.ed.Modes() {
			names = append(names, hv.ed.ModeName(x))
		}
		return fmt.Errorf("mode %s %q: want one of %s", h.Name(), word, strings.Join(names, ", "))
	}
	vfs, err := hv.vfs(op)
	if err != nil {
		return err
	}
	for _, vf := range vfs {
		if err := hv.setMode(h, d, vf, m); err != nil {
			return fmt.Errorf("%s vf%d → %s: %w", h.Name(), vf, hv.ed.ModeName(m), err)
		}
	}
	return nil
}

func (hv *Hypervisor) draftCtx(op scenario.Op, h Host, d *owner.Driver) error {
	if hv.ed != spec.Draft2023 {
		return hv.editionError(op, op.Verb)
	}
	vfs, err := hv.vfs(op)
	if err != nil {
		return err
	}
	chunk := 0 // sized by DEV_CTX_SIZE_GET (readContext)
	if v, ok := scenario.Lookup(op.Args, "chunk"); ok {
		n, err := scenario.ParseNumber(v, math.MinInt64, math.MaxInt64)
		if err != nil {
			return fmt.Errorf("%s: chunk=%s: %w", op.Verb, v, err)
		}
		chunk = int(n)
	}
	for _, vf := range vfs {
		switch op.Verb {
		case "read":
			b, err := hv.readContext(d, vf, chunk)
			if err != nil {
				return fmt.Errorf("read %s vf%d: %w", h.Name(), vf, err)
			}
			b, err = hv.unwrapRead(h, vf, b)
			if err != nil {
				return fmt.Errorf("read %s vf%d: %w", h.Name(), vf, err)
			}
			got, err := devctx.DecodeDraftContext(b)
			if err != nil {
				return fmt.Errorf("read %s vf%d: %w", h.Name(), vf, err)
			}
			hv.ctx[vf] = devctx.Merge(hv.ctx[vf], got)
		case "discard":
			if err := d.Discard(vf); err != nil {
				return fmt.Errorf("discard %s vf%d: %w", h.Name(), vf, err)
			}
		case "forget":
			hv.local(fmt.Sprintf("forget vf%d", vf), nop)
			delete(hv.ctx, vf)
		case "write":
			err := hv.atomicLoad(h, vf, true, func() error {
				saved, err := hv.wrapState(vf, devimpl.KindDraft, devctx.EncodeDraftContext(hv.ctx[vf]))
				if err != nil {
					return err
				}
				payload, err := hv.loadCheck(h, vf, saved)
				if err != nil {
					return err
				}
				return d.WriteContext(vf, payload)
			})
			if err != nil {
				return fmt.Errorf("write %s vf%d: %w", h.Name(), vf, err)
			}
		}
	}
	return nil
}

// parts runs the virtio-1.4 save and load the way Linux's vfio-virtio does
// (drivers/vfio/pci/virtio/migrate.c, virtiovf_read_device_context_chunk and
// virtiovf_pci_save_device_final_data): save = OBJ_CREATE(GET), METADATA_GET(SIZE),
// PARTS_GET(ALL), OBJ_DESTROY, kept as one more record; load = OBJ_CREATE(SET),
// one PARTS_SET per record in order, OBJ_DESTROY.
func (hv *Hypervisor) parts(op scenario.Op, h Host, d *owner.Driver) error {
	if hv.ed != spec.Virtio14 {
		return hv.editionError(op, op.Verb)
	}
	vfs, err := hv.vfs(op)
	if err != nil {
		return err
	}
	for _, vf := range vfs {
		switch op.Verb {
		case "save":
			id, err := d.CreateObject(vf, spec.DevPartsObjTypeGet)
			if err != nil {
				return fmt.Errorf("save %s vf%d: %w", h.Name(), vf, err)
			}
			size, err := d.PartsSize(vf, id)
			if err == nil && size == 0 {
				err = fmt.Errorf("METADATA_GET(SIZE) returned 0")
			}
			var rec []byte
			if err == nil {
				rec, err = d.PartsGetAll(vf, id, int(size))
			}
			if derr := d.DestroyObject(vf, id); err == nil {
				err = derr
			}
			if err == nil {
				rec, err = hv.unwrapRead(h, vf, rec)
			}
			var saved []byte
			if err == nil {
				saved, err = hv.wrapState(vf, devimpl.KindParts, rec)
			}
			if err != nil {
				return fmt.Errorf("save %s vf%d: %w", h.Name(), vf, err)
			}
			hv.records[vf] = append(hv.records[vf], saved)
		case "load":
			if err := hv.atomicLoad(h, vf, len(hv.records[vf]) > 0, func() error { return hv.loadRecords(h, d, vf) }); err != nil {
				return fmt.Errorf("load %s vf%d: %w", h.Name(), vf, err)
			}
		}
	}
	return nil
}

// loadRecords is one VF's virtio-1.4 load: OBJ_CREATE(SET), each record
// checked (loadCheck) and sent as PARTS_SET in order, OBJ_DESTROY.
func (hv *Hypervisor) loadRecords(h Host, d *owner.Driver, vf int) error {
	id, err := d.CreateObject(vf, spec.DevPartsObjTypeSet)
	if err != nil {
		return err
	}
	for i, saved := range hv.records[vf] {
		var rec []byte
		if rec, err = hv.loadCheck(h, vf, saved); err != nil {
			err = fmt.Errorf("record %d: %w", i, err)
			break
		}
		if err = d.PartsSet(vf, id, rec); err != nil {
			err = fmt.Errorf("record %d: %w", i, err)
			break
		}
	}
	if derr := d.DestroyObject(vf, id); err == nil {
		err = derr
	}
	return err
}
