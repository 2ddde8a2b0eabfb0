package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

func init() {
	register(command{
		name:    "decode",
		summary: "decode an admin command, a result, a run of device parts or a draft context from hex",
		run:     runDecode,
	})
}

const decodeUsage = `usage: migsim decode [--spec draft-2023|virtio-1.4] [--as command|result|parts|context]
                    [--op NAME|NUMBER] [--req HEX] [--format text|json] HEX... | -

Decodes bytes pasted from a log and prints every field by name and value.
HEX may be split over several arguments and may contain spaces and colons;
'-' reads raw bytes from stdin.

  --as command  a struct virtio_admin_cmd readable part: 24-byte header and
                command-specific data; device parts inside it (DEV_PARTS_GET
                hdr_list, DEV_PARTS_SET parts) are decoded too
  --as result   the writable part: 8-byte status and command-specific result;
                --op names the command it answers (else the result stays hex),
                --req gives that command's bytes (some results depend on it:
                DEV_PARTS_METADATA_GET's type, DEVICE_CAP_GET's id)
  --as parts    a run of virtio-1.4 device parts (the network device's
                VIRTIO_NET_DEV_PART_CVQ_CFG_PART, 0x200, by class, command
                and value)
  --as context  a draft-2023 device context (field_count and TLV fields)

draft-2023 opcode and field values are simulator-assigned (docs/spec.md).
Malformed or empty input prints the error with its byte offset and exits 2,
as usage errors do.

flags:
`

// decodeField is one printed name/value pair.
type decodeField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// decodeSection is a decoded item inside the input: a device part, a part
// header or a context field, with its byte offset in the input.
type decodeSection struct {
	Name   string        `json:"name"`
	Offset int           `json:"offset"`
	Fields []decodeField `json:"fields"`
}

// decodeDoc is the whole output of one decode, for text and JSON.
type decodeDoc struct {
	Edition  string          `json:"edition"`
	As       string          `json:"as"`
	Title    string          `json:"title"`
	Length   int             `json:"length"`
	Fields   []decodeField   `json:"fields"`
	Sections []decodeSection `json:"sections,omitempty"`
	Notes    []string        `json:"notes,omitempty"`
}

type decodeFlags struct {
	edition spec.Edition
	as      string
	op      string
	req     string
	format  string
}

// runDecode implements `migsim decode`.
func runDecode(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("decode", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	edition := fs.String("spec", spec.Virtio14.String(), "edition: draft-2023 or virtio-1.4")
	var fl decodeFlags
	fs.StringVar(&fl.as, "as", "command", "what the bytes are: command, result, parts or context")
	fs.StringVar(&fl.op, "op", "", "with --as result: the command answered, by name or number")
	fs.StringVar(&fl.req, "req", "", "with --as result: the hex of the command answered")
	fs.StringVar(&fl.format, "format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprint(stderr, decodeUsage)
		fs.PrintDefaults()
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "migsim decode: "+format+"\n", a...)
		fmt.Fprintln(stderr, "run 'migsim decode --help' for usage")
		return exitUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageErr("%v", err)
	}
	var err error
	if fl.edition, err = spec.ParseEdition(*edition); err != nil {
		return usageErr("%v", err)
	}
	switch fl.as {
	case "command", "result", "parts", "context":
	default:
		return usageErr("unknown --as %q (want command, result, parts or context)", fl.as)
	}
	if fl.format != "text" && fl.format != "json" {
		return usageErr("unknown format %q (want text or json)", fl.format)
	}
	if (fl.op != "" || fl.req != "") && fl.as != "result" {
		return usageErr("--op and --req go with --as result")
	}
	if fs.NArg() == 0 {
		return usageErr("missing input: give HEX or - for raw bytes on stdin")
	}
	var in []byte
	if fs.NArg() == 1 && fs.Arg(0) == "-" {
		if in, err = io.ReadAll(stdin); err != nil {
			fmt.Fprintf(stderr, "migsim decode: read stdin: %v\n", err)
			return exitFinding
		}
	} else if in, err = parseHex(strings.Join(fs.Args(), " ")); err != nil {
		fmt.Fprintf(stderr, "migsim decode: %v\n", err)
		return exitUsage
	}
	if len(in) == 0 {
		return usageErr("empty input: nothing to decode (give HEX digits, or - with bytes on stdin)")
	}
	doc, code, err := decodeInput(fl, in)
	if err != nil {
		fmt.Fprintf(stderr, "migsim decode: %v\n", err)
		return code
	}
	if err := writeDecodeDoc(stdout, fl.format, doc); err != nil {
		fmt.Fprintf(stderr, "migsim decode: write: %v\n", err)
		return exitFinding
	}
	return exitOK
}

// parseHex reads hex digits, skipping spaces, tabs, newlines and colons
// and an optional 0x prefix per word. A bad character or an odd digit count
// is an error naming the character offset.
func parseHex(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)/2)
	var hi byte
	half, hiAt := false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':':
			continue
		case c == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && !half &&
			(i == 0 || strings.IndexByte(" \t\n\r:", s[i-1]) >= 0):
			i++
			continue
		}
		v, ok := hexValue(c)
		if !ok {
			return nil, fmt.Errorf("bad hex: character %q at offset %d", c, i)
		}
		if !half {
			hi, hiAt, half = v, i, true
			continue
		}
		out = append(out, hi<<4|v)
		half = false
	}
	if half {
		return nil, fmt.Errorf("bad hex: odd number of digits (the digit at offset %d has no pair)", hiAt)
	}
	return out, nil
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeInput decodes in as fl says. On error it returns the exit code:
// exitUsage for bad flag values and malformed input alike.
func decodeInput(fl decodeFlags, in []byte) (decodeDoc, int, error) {
	doc := decodeDoc{Edition: fl.edition.String(), As: fl.as, Length: len(in)}
	var err error
	switch fl.as {
	case "command":
		err = decodeCommandDoc(&doc, fl.edition, in)
	case "result":
		var req *adminq.TypedCommand
		if req, err = resultRequest(fl); err != nil {
			return doc, exitUsage, err
		}
		err = decodeResultDoc(&doc, fl.edition, req, in)
	case "parts":
		doc.Title, doc.Edition = "device parts", spec.Virtio14.String()
		err = addParts(&doc, "part", in, 0, devctx.DecodeOptions{})
	case "context":
		doc.Edition = spec.Draft2023.String()
		doc.Title = "device context"
		err = addContext(&doc, in, 0)
	}
	if err != nil {
		return doc, exitUsage, err
	}
	return doc, exitOK, nil
}

func writeDecodeDoc(w io.Writer, format string, doc decodeDoc) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %d bytes)\n", doc.Title, doc.Edition, doc.Length)
	writeDecodeFields(&b, doc.Fields)
	for _, s := range doc.Sections {
		fmt.Fprintf(&b, "%s at byte %d\n", s.Name, s.Offset)
		writeDecodeFields(&b, s.Fields)
	}
	for _, n := range doc.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDecodeFields(b *strings.Builder, fs []decodeField) {
	width := 0
	for _, f := range fs {
		width = max(width, len(f.Name))
	}
	for _, f := range fs {
		fmt.Fprintf(b, "  %-*s  %s\n", width, f.Name, f.Value)
	}
}
