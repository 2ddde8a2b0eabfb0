// Package decodeview turns admin-command bytes, results, device parts and
// draft-2023 contexts into a printable document: every field by name, every
// part and context field with its byte offset. adminq decodes the admin
// frame, command data and the results of non-context commands; devctx
// decodes context and parts results, device parts and the draft context.
// What does not decode is in the document too: every error of the input
// with its absolute byte offset (Doc.Errors), after what decoded before it.
// `migsim decode` is its command-line front end.
package decodeview

import (
	"errors"
	"fmt"
	"strings"

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
	Device   string    `json:"device"`
	Title    string    `json:"title"`
	Length   int       `json:"length"`
	Fields   []Field   `json:"fields"`
	Sections []Section `json:"sections,omitempty"`
	Notes    []string  `json:"notes,omitempty"`
	// Errors lists what is wrong with the input, in input order of
	// discovery; empty when it decoded cleanly. A section whose value does
	// not decode also carries an "error" field.
	Errors []Error `json:"errors,omitempty"`
}

// Error is one error of the input: the most precise byte offset the
// decoder names (counted from the start of the input), the section it
// belongs to ("" for the input as a whole) and the message.
type Error struct {
	Offset  int    `json:"offset"`
	Section string `json:"section,omitempty"`
	Message string `json:"message"`
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
	// Device is the virtio device id of the device the bytes come from
	// (spec.VirtioDeviceIDNet, VirtioDeviceIDBlk; 0 when not known): it
	// names the device-specific feature bits and the draft-2023
	// device-type fields (a network device's NET_CVQ and NET_INFLIGHT).
	Device uint16
}

// Devices lists the values of `migsim decode --device` with their virtio
// device ids, the default first.
var Devices = []struct {
	Name string
	ID   uint16
}{{"unknown", 0}, {"blk", spec.VirtioDeviceIDBlk}, {"net", spec.VirtioDeviceIDNet}}

// DeviceName returns the --device name of virtio device id id.
func DeviceName(id uint16) string {
	for _, d := range Devices {
		if d.ID == id {
			return d.Name
		}
	}
	return fmt.Sprintf("device-id-%d", id)
}

// ParseDevice returns the virtio device id of a `migsim decode --device`
// name (Devices), or an error listing the names.
func ParseDevice(s string) (uint16, error) {
	names := make([]string, len(Devices))
	for i, d := range Devices {
		if d.Name == s {
			return d.ID, nil
		}
		names[i] = d.Name
	}
	return 0, fmt.Errorf("unknown --device %q (want %s)", s, strings.Join(names, ", "))
}

// Decode decodes in as o says. What it could decode is in the document,
// and every error of the input in Doc.Errors with its byte offset; the
// error return is for options that are wrong (--op, --req) and empty
// input, and then the document is empty.
func Decode(o Options, in []byte) (Doc, error) {
	if len(in) == 0 {
		return Doc{}, errors.New("empty input: nothing to decode")
	}
	doc := Doc{Edition: o.Edition.String(), As: o.As, Device: DeviceName(o.Device), Length: len(in)}
	switch o.As {
	case "command":
		decodeCommandDoc(&doc, o, in)
	case "result":
		req, err := resultRequest(o)
		if err != nil {
			return Doc{}, err
		}
		decodeResultDoc(&doc, o, req, in)
	case "parts":
		doc.Title, doc.Edition = "device parts", spec.Virtio14.String()
		addParts(&doc, o.Device, "part", in, 0, devctx.DecodeOptions{})
	case "context":
		doc.Edition = spec.Draft2023.String()
		doc.Title = "device context"
		if err := addContext(&doc, o.Device, in, 0); err != nil {
			doc.addErr("", err, 0)
		}
	default:
		return Doc{}, fmt.Errorf("unknown --as %q (want command, result, parts or context)", o.As)
	}
	return doc, nil
}

// Empty reports whether the document holds nothing decoded (the input
// failed before its first field).
func (d Doc) Empty() bool { return len(d.Fields) == 0 && len(d.Sections) == 0 }
