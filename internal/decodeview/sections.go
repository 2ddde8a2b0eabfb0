package decodeview

import (
	"errors"
	"fmt"
	"strings"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
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

func decodeCommandDoc(doc *Doc, ed spec.Edition, in []byte) error {
	if err := wholeHeader(in, spec.AdminCmdHeaderSize, "a command"); err != nil {
		return err
	}
	c := adminq.DecodeTypedCommand(ed, in)
	doc.Title = c.Name() + " command"
	var drop func(string) bool
	var err error
	const hdr = spec.AdminCmdHeaderSize
	switch p := c.Data.Payload.(type) {
	case adminq.PartsGet:
		if len(in) > hdr+16 {
			drop = dropNamed("hdr_list")
			err = addHeaders(doc, "hdr_list", in[hdr+16:], hdr+16)
		}
	case adminq.PartsSet:
		if len(p.Parts) > 0 {
			drop = dropNamed("parts")
			err = addParts(doc, "part", p.Parts, hdr+spec.ResourceObjCmdHeaderSize, devctx.DecodeOptions{})
		}
	case adminq.Raw:
		if ed == spec.Draft2023 && c.Opcode == uint16(spec.DraftOpDevCtxWrite) && len(p.Bytes) > 0 {
			drop = contextChunk(doc, "ctx", p.Bytes, hdr, true)
		}
	}
	doc.Fields = toDecodeFields(c.Fields(), drop)
	markAbsentData(doc, c)
	return err
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

func decodeResultDoc(doc *Doc, ed spec.Edition, req *adminq.TypedCommand, in []byte) error {
	if err := wholeHeader(in, spec.AdminResultHeaderSize, "a result"); err != nil {
		return err
	}
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
	var err error
	if req != nil && r.Status == spec.StatusOK && devctx.OwnsResult(ed, req.Opcode) {
		data := r.Data.Bytes() // adminq keeps a context or parts result raw
		res, derr := devctx.DecodeResult(contextRequest(ed, req), data)
		if derr != nil {
			return rebaseErr(derr, hdr)
		}
		r.Data = adminq.NewBody(resultPayload{res}, data)
		drop, err = addResultSections(doc, res)
	}
	doc.Fields = toDecodeFields(r.Fields(), drop)
	return err
}

// addResultSections expands what a context or parts result carries: the
// part headers of a METADATA LIST, the parts of a PARTS_GET, the context of
// a DEV_CTX_READ. It returns the fields the sections replace.
func addResultSections(doc *Doc, res devctx.Result) (func(string) bool, error) {
	const hdr = spec.AdminResultHeaderSize
	switch p := res.(type) {
	case devctx.MetadataList:
		if len(p.Headers) > 0 {
			for i, h := range p.Headers {
				doc.Sections = append(doc.Sections, Section{fmt.Sprintf("hdrs[%d]", i),
					hdr + 8 + i*spec.PartHeaderSize, []Field{{"header", h.Describe()}}})
			}
			return dropNamed("hdrs"), nil
		}
	case devctx.PartsResult:
		if len(p.List) > 0 {
			addPartSections(doc, "part", p.Parts, hdr)
			return dropNamed("parts"), nil
		}
	case devctx.CtxReadResult:
		if len(p.Ctx) > 0 {
			return contextChunk(doc, "ctx", p.Ctx, hdr+8, p.Remaining > 0), nil
		}
	}
	return nil, nil
}

// contextChunk expands a draft context carried in a command or result. A
// chunk that may be partial (a split write, a read with bytes remaining)
// that does not decode as a whole context is noted, not an error.
func contextChunk(doc *Doc, name string, b []byte, base int, partial bool) func(string) bool {
	err := addContext(doc, b, base)
	if err == nil {
		return dropNamed(name)
	}
	if partial {
		doc.Notes = append(doc.Notes, fmt.Sprintf("%s is not a whole context (a partial chunk?): %v", name, err))
	} else {
		doc.Notes = append(doc.Notes, fmt.Sprintf("%s does not decode: %v", name, err))
	}
	return nil
}

// rebaseErr moves a devctx error's byte offset from the start of b to the
// start of the input.
func rebaseErr(err error, base int) error {
	var pe *devctx.PartError
	var fe *devctx.FieldError
	var re *devctx.ResultError
	switch {
	case errors.As(err, &pe):
		pe.Offset += base
		return pe
	case errors.As(err, &fe):
		fe.Offset += base
		return fe
	case errors.As(err, &re):
		re.Offset += base
		return re
	case base != 0:
		return fmt.Errorf("%w (offsets counted from byte %d of the input)", err, base)
	}
	return err
}

func addParts(doc *Doc, name string, b []byte, base int, opts devctx.DecodeOptions) error {
	ps, err := devctx.DecodeParts(b, opts)
	if err != nil {
		return rebaseErr(err, base)
	}
	addPartSections(doc, name, ps, base)
	return nil
}

// addPartSections adds one section per part and a note per unknown
// OPTIONAL part; base is the offset of the run in the input.
func addPartSections(doc *Doc, name string, ps devctx.Parts, base int) {
	off := base
	for i, p := range ps.List {
		doc.Sections = append(doc.Sections, Section{fmt.Sprintf("%s[%d]", name, i), off, attrsToFields(p.Attrs())})
		off += spec.PartHeaderSize + len(p.Value)
	}
	for _, w := range ps.Unknown {
		w.Offset += base
		doc.Notes = append(doc.Notes, w.String())
	}
}

func addHeaders(doc *Doc, name string, b []byte, base int) error {
	hs, err := devctx.DecodePartHeaders(b)
	if err != nil {
		return rebaseErr(err, base)
	}
	for i, h := range hs {
		doc.Sections = append(doc.Sections, Section{fmt.Sprintf("%s[%d]", name, i),
			base + i*spec.PartHeaderSize, []Field{{"header", h.Describe()}}})
	}
	return nil
}

func addContext(doc *Doc, b []byte, base int) error {
	c, err := devctx.DecodeDraftContext(b)
	if err != nil {
		return rebaseErr(err, base)
	}
	doc.Notes = append(doc.Notes, simulatorAssignedNote)
	doc.Sections = append(doc.Sections, Section{"context", base,
		[]Field{{"field_count", fmt.Sprint(len(c.Fields))}}})
	off := base + spec.DraftCtxHeaderSize
	for i, f := range c.Fields {
		doc.Sections = append(doc.Sections, Section{fmt.Sprintf("field[%d]", i), off, attrsToFields(f.Attrs())})
		off += f.EncodedSize()
	}
	return nil
}
