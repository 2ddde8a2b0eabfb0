// Package decodeview turns admin-command bytes, results, device parts and
// draft-2023 contexts into a printable document: every field by name, every
// part and context field with its byte offset. adminq decodes the admin
// frame, command data and the results of non-context commands; devctx
// decodes context and parts results, device parts and the draft context.
// `migsim decode` is its command-line front end.
package decodeview

import (
	"errors"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// Field is one printed name/value pair.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Section is a decoded item inside the input: a device part, a part
// header or a context field, with its byte offset in the input.
type Section struct {
	Name   string  `json:"name"`
	Offset int     `json:"offset"`
	Fields []Field `json:"fields"`
}

// Doc is the whole output of one decode, for text and JSON.
type Doc struct {
	Edition  string    `json:"edition"`
	As       string    `json:"as"`
	Title    string    `json:"title"`
	Length   int       `json:"length"`
	Fields   []Field   `json:"fields"`
	Sections []Section `json:"sections,omitempty"`
	Notes    []string  `json:"notes,omitempty"`
}

// Options say what the bytes are.
type Options struct {
	// Edition is the spec edition of the bytes.
	Edition spec.Edition
	// As is what the bytes are: command, result, parts or context.
	As string
	// Op and Req name the command a result answers (by name or number,
	// and as hex); both optional.
	Op, Req string
}

// Decode decodes in as o says. The error names the byte offset of
// malformed input, or the option that is wrong.
func Decode(o Options, in []byte) (Doc, error) {
	if len(in) == 0 {
		return Doc{}, errors.New("empty input: nothing to decode")
	}
	fl := o
	doc := Doc{Edition: fl.Edition.String(), As: fl.As, Length: len(in)}
	var err error
	switch fl.As {
	case "command":
		err = decodeCommandDoc(&doc, fl.Edition, in)
	case "result":
		var req *adminq.TypedCommand
		if req, err = resultRequest(fl); err != nil {
			return doc, err
		}
		err = decodeResultDoc(&doc, fl.Edition, req, in)
	case "parts":
		doc.Title, doc.Edition = "device parts", spec.Virtio14.String()
		err = addParts(&doc, "part", in, 0, devctx.DecodeOptions{})
	case "context":
		doc.Edition = spec.Draft2023.String()
		doc.Title = "device context"
		err = addContext(&doc, in, 0)
	}
	return doc, err
}
