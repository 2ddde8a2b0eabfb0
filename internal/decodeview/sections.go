package decodeview

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/spec"
)

// This file turns decoded bytes into a Doc: adminq decodes the admin
// frame, the command data and the results of non-context commands; devctx
// decodes the context and parts results, the device parts and the draft
// context inside them.

// simulatorAssignedNote ends every decode of draft-2023 context fields.
const simulatorAssignedNote = "draft-2023 field type values are simulator-assigned (docs/spec.md, \"The two editions\")"

// resultRequest builds the command a result answers from --op and --req;
// nil when neither is given.
func resultRequest(fl Options) (*adminq.TypedCommand, error) {
	if fl.Op == "" && fl.Req == "" {
		return nil, nil
	}
	req := &adminq.TypedCommand{Edition: fl.Edition}
	if fl.Req != "" {
		b, err := ParseHex(fl.Req)
		if err != nil {
			return nil, fmt.Errorf("--req: %w", err)
		}
		if err := wholeHeader(b, spec.AdminCmdHeaderSize, "a command"); err != nil {
			return nil, fmt.Errorf("--req: %w", err)
		}
		c := adminq.DecodeTypedCommand(fl.Edition, b)
		req = &c
	}
	if fl.Op != "" {
		op, err := adminq.ParseOpcode(fl.Edition, fl.Op)
		if err != nil {
			return nil, fmt.Errorf("--op: %w", err)
		}
		if fl.Req != "" && op != req.Opcode {
			return nil, fmt.Errorf("--op %s disagrees with the opcode %s of --req", fl.Op, req.Name())
		}
		req.Opcode = op
	}
	return req, nil
}

func toDecodeFields(fs []adminq.Field, drop func(name string) bool) []Field {
	out := make([]Field, 0, len(fs))
	for _, f := range fs {
		if drop == nil || !drop(f.Name) {
			out = append(out, Field{f.Name, f.Value})
		}
	}
	return out
}

func attrsToFields(as []devctx.Attr) []Field {
	out := make([]Field, len(as))
	for i, a := range as {
		out[i] = Field{a.Name, a.Value}
	}
	return out
}

// dropNamed drops the raw fields that sections replace: name, or name[i].
func dropNamed(name string) func(string) bool {
	return func(f string) bool { return f == name || strings.HasPrefix(f, name+"[") }
}

// wholeHeader refuses input shorter than the header of what it claims to
// be: a device reads missing bytes as zero, but bytes that do not hold the
// header are not a command (or result) to decode.
func wholeHeader(in []byte, size int, what string) error {
	if len(in) < size {
		n := fmt.Sprintf("%d bytes", len(in))
		if len(in) == 1 {
			n = "1 byte"
		}
		return fmt.Errorf("truncated: %s, but %s starts with its %d-byte header (the input ends at byte offset %d)", n, what, size, len(in))
	}
	return nil
}

func decodeCommandDoc(doc *Doc, o Options, in []byte) {
	if err := wholeHeader(in, spec.AdminCmdHeaderSize, "a command"); err != nil {
		doc.addErrAt(len(in), "", err)
		return
	}
	ed := o.Edition
	c := adminq.DecodeTypedCommand(ed, in)
	doc.Title = c.Name() + " command"
	var drop func(string) bool
	const hdr = spec.AdminCmdHeaderSize
	switch p := c.Data.Payload.(type) {
	case adminq.PartsGet:
		if len(in) > hdr+16 {
			drop = dropNamed("hdr_list")
			addHeaders(doc, "hdr_list", in[hdr+16:], hdr+16)
		}
	case adminq.PartsSet:
		if len(p.Parts) > 0 {
			drop = dropNamed("parts")
			addParts(doc, o.Device, "part", p.Parts, hdr+spec.ResourceObjCmdHeaderSize, devctx.DecodeOptions{})
		}
	case adminq.Raw:
		if ed == spec.Draft2023 && c.Opcode == uint16(spec.DraftOpDevCtxWrite) && len(p.Bytes) > 0 {
			drop = contextChunk(doc, o.Device, "ctx", p.Bytes, hdr, false)
		}
	}
	doc.Fields = toDecodeFields(c.Fields(), drop)
	markAbsentData(doc, c)
}

// markAbsentData says when the command data is shorter than its structure
// instead of showing the missing bytes as zeros (a device reads them as
// zero, but they were not given): no data at all replaces the data fields
// with one "data: absent" field; a partial structure gets a note.
func markAbsentData(doc *Doc, c adminq.TypedCommand) {
	if c.Data.Payload == nil {
		return
	}
	need := len(c.Data.Payload.Encode())
	if c.Data.Len >= need {
		return
	}
	if c.Data.Len == 0 {
		header := len(doc.Fields) - len(c.Data.Fields())
		doc.Fields = append(doc.Fields[:header], Field{"data", fmt.Sprintf(
			"absent: the command carries no data (%s needs %d bytes); nothing below the header is decoded", c.Name(), need)})
		return
	}
	doc.Notes = append(doc.Notes, fmt.Sprintf("command data is %d of %d bytes: the fields past byte %d are absent and shown as zero",
		c.Data.Len, need, spec.AdminCmdHeaderSize+c.Data.Len))
}

// resultPayload is a devctx result as an adminq payload, so that it joins
// the TypedResult that frames it (status, length rules, ignored bytes).
type resultPayload struct{ devctx.Result }

func (r resultPayload) Fields() []adminq.Field {
	as := r.Attrs()
	out := make([]adminq.Field, len(as))
	for i, a := range as {
		out[i] = adminq.Field{Name: a.Name, Value: a.Value}
	}
	return out
}

// contextRequest says which context or parts result req asks for.
func contextRequest(ed spec.Edition, req *adminq.TypedCommand) devctx.ResultRequest {
	rr := devctx.ResultRequest{Edition: ed, Opcode: req.Opcode}
	switch p := req.Data.Payload.(type) {
	case adminq.MetadataGet:
		rr.Metadata, rr.MetadataKnown = p.Type, true
	case adminq.PartsGet:
		rr.Complete = p.Type == spec.PartsGetAll
	}
	return rr
}

func decodeResultDoc(doc *Doc, o Options, req *adminq.TypedCommand, in []byte) {
	if err := wholeHeader(in, spec.AdminResultHeaderSize, "a result"); err != nil {
		doc.addErrAt(len(in), "", err)
		return
	}
	ed := o.Edition
	r := adminq.DecodeTypedResult(ed, req, in)
	doc.Title = "result"
	if req != nil {
		doc.Title = req.Name() + " result"
	}
	if req == nil && r.Data.Len > 0 {
		doc.Notes = append(doc.Notes, "result data kept as hex: give --op or --req to decode it")
	}
	const hdr = spec.AdminResultHeaderSize
	var drop func(string) bool
	if req != nil && r.Status == spec.StatusOK && devctx.OwnsResult(ed, req.Opcode) {
		data := r.Data.Bytes() // adminq keeps a context or parts result raw
		rr := contextRequest(ed, req)
		res, err := devctx.DecodeResult(rr, data)
		switch {
		case err == nil:
			r.Data = adminq.NewBody(resultPayload{res}, data)
			drop = addResultSections(doc, o.Device, res)
		case ed == spec.Virtio14 && spec.Opcode(req.Opcode) == spec.OpDevPartsGet:
			// Show the parts before the one at fault.
			drop = dropNamed("parts")
			addParts(doc, o.Device, "part", data, hdr, devctx.DecodeOptions{Complete: rr.Complete})
		default:
			doc.addErr("", err, hdr)
		}
	}
	doc.Fields = toDecodeFields(r.Fields(), drop)
}

// addResultSections expands what a context or parts result carries: the
// part headers of a METADATA LIST, the parts of a PARTS_GET, the context of
// a DEV_CTX_READ. It returns the fields the sections replace.
func addResultSections(doc *Doc, dev uint16, res devctx.Result) func(string) bool {
	const hdr = spec.AdminResultHeaderSize
	switch p := res.(type) {
	case devctx.MetadataList:
		if len(p.Headers) > 0 {
			for i, h := range p.Headers {
				doc.Sections = append(doc.Sections, Section{fmt.Sprintf("hdrs[%d]", i),
					hdr + 8 + i*spec.PartHeaderSize, []Field{{"header", h.Describe()}}})
			}
			return dropNamed("hdrs")
		}
	case devctx.PartsResult:
		if len(p.List) > 0 {
			addPartSections(doc, dev, "part", p.Parts, hdr)
			return dropNamed("parts")
		}
	case devctx.CtxReadResult:
		if len(p.Ctx) > 0 {
			return contextChunk(doc, dev, "ctx", p.Ctx, hdr+8, p.Remaining > 0)
		}
	}
	return nil
}

// contextChunk expands a draft context carried in a command or result. A
// chunk of a read with bytes remaining that does not decode as a whole
// context is noted, not an error: a result longer than the driver's buffer
// is cut short (AVQ-DEV-01). The fields decoded before the fault are shown
// either way, and a value that does not decode is an error. It returns the
// fields the sections replace.
func contextChunk(doc *Doc, dev uint16, name string, b []byte, base int, partial bool) func(string) bool {
	err := addContext(doc, dev, b, base)
	if err == nil {
		return dropNamed(name)
	}
	if partial {
		doc.Notes = append(doc.Notes, fmt.Sprintf("%s is not a whole context (a result cut short?): %v", name, err))
	} else {
		doc.addErr("", err, 0)
	}
	return nil
}

// addErr records err, an error of the input, with the most precise byte
// offset it names once moved by base (the offset in the input of the
// bytes the decoder read).
func (doc *Doc) addErr(section string, err error, base int) {
	devctx.Rebase(err, base)
	off, ok := devctx.ErrorOffset(err)
	if !ok {
		off = base
		if base != 0 {
			err = fmt.Errorf("%w (offsets counted from byte %d of the input)", err, base)
		}
	}
	doc.addErrAt(off, section, err)
}

// addErrAt records err at byte offset off of the input, as the user
// reads it: the offsets name where, the Go packages that noticed it
// ("devctx: ") are left out (usererr.Text).
func (doc *Doc) addErrAt(off int, section string, err error) {
	doc.Errors = append(doc.Errors, Error{Offset: off, Section: section, Message: usererr.Text(err)})
}

// addParts adds the parts of the run b (at byte base of the input) as
// sections, with the error of the run and those of the values.
func addParts(doc *Doc, dev uint16, name string, b []byte, base int, opts devctx.DecodeOptions) {
	ps, err := devctx.DecodePartsPrefix(b, opts)
	addPartSections(doc, dev, name, ps, base)
	off := 0
	for i, p := range ps.List { // the reserved byte a part drops
		if r := b[off+3]; r != 0 {
			doc.Notes = append(doc.Notes, fmt.Sprintf("%s[%d] at byte %d: reserved header byte %#02x ignored (device-parts.tex: set to zero)",
				name, i, base+off, r))
		}
		off += spec.PartHeaderSize + len(p.Value)
	}
	if err != nil {
		doc.addErr("", err, base)
	}
}

// addPartSections adds one section per part (and the error of every value
// that does not decode) and a note per unknown OPTIONAL part; base is the
// offset of the run in the input.
func addPartSections(doc *Doc, dev uint16, name string, ps devctx.Parts, base int) {
	off := base
	for i, p := range ps.List {
		sec := fmt.Sprintf("%s[%d]", name, i)
		as, err := p.DecodeAttrs(dev, off+spec.PartHeaderSize)
		doc.Sections = append(doc.Sections, Section{sec, off, attrsToFields(as)})
		if err != nil {
			doc.addErr(sec, fmt.Errorf("part %d (%s) at offset %d: %w", i, p.Type, off, err), 0)
		}
		off += spec.PartHeaderSize + len(p.Value)
	}
	for _, w := range ps.Unknown {
		w.Offset += base
		doc.Notes = append(doc.Notes, w.String())
	}
}

func addHeaders(doc *Doc, name string, b []byte, base int) {
	hs, err := devctx.DecodePartHeaders(b)
	if err != nil {
		doc.addErr("", err, base)
		return
	}
	for i, h := range hs {
		doc.Sections = append(doc.Sections, Section{fmt.Sprintf("%s[%d]", name, i),
			base + i*spec.PartHeaderSize, []Field{{"header", h.Describe()}}})
	}
}

// addContext adds the draft context b (at byte base of the input) as
// sections, and records the error of every value that does not decode. It
// returns the error of the context itself (rebased), which the caller
// records or notes.
func addContext(doc *Doc, dev uint16, b []byte, base int) error {
	c, err := devctx.DecodeDraftContextPrefix(b)
	if len(b) >= spec.DraftCtxHeaderSize {
		doc.Notes = append(doc.Notes, simulatorAssignedNote)
		doc.Sections = append(doc.Sections, Section{"context", base,
			[]Field{{"field_count", fmt.Sprint(binary.LittleEndian.Uint32(b))}}})
	}
	off := base + spec.DraftCtxHeaderSize
	for i, f := range c.Fields {
		sec := fmt.Sprintf("field[%d]", i)
		as, verr := f.DecodeAttrs(dev, off+spec.DraftFieldHeaderSize)
		doc.Sections = append(doc.Sections, Section{sec, off, attrsToFields(as)})
		if verr != nil {
			doc.addErr(sec, fmt.Errorf("field %d (%s) at offset %d: %w", i, spec.FieldTypeName(f.Type, dev), off, verr), 0)
		}
		off += f.EncodedSize()
	}
	if err != nil {
		return devctx.Rebase(err, base)
	}
	return nil
}
