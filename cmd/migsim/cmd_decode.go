package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/decodeview"
	"github.com/migsim/migsim/internal/inputfile"
	"github.com/migsim/migsim/internal/usererr"
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
                    [--op NAME|NUMBER] [--req HEX] [--device unknown|blk|net]
                    [--format text|json] HEX... | -

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

--device names the device type the bytes come from: it names the
device-specific feature bits and decodes the draft-2023 device-type fields
(net: NET_CVQ 0x1000, NET_INFLIGHT 0x1001). unknown (the default) prints
device-specific bits as FEATURE_n and device-type fields as raw bytes: the
same numbers mean different things for different device types.

draft-2023 opcode and field values are simulator-assigned (docs/spec.md).
Any error in the input exits 2 after printing everything that decodes:
each error goes to stderr with its byte offset in the input (and, with
--format json, to the document's "errors" list). Errors are: a command
shorter than its 24-byte header, a result shorter than its 8-byte status
(--req too), a part, header list or context cut short, out of order or
repeated, a field or part value that does not decode (a wrong length, an
undefined flag bit, a value its layout forbids), reserved bytes that are
not zero where the layout requires it. Command data shorter than its
structure after a whole header is decoded (a device reads the missing
bytes as zero) with a note saying which fields are absent, and exits 0.

flags:
`

// runDecode implements `migsim decode`.
func runDecode(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("decode", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	edition := fs.String("spec", spec.Virtio14.String(), "edition: draft-2023 or virtio-1.4")
	var fl decodeview.Options
	format := fs.String("format", "text", "output format: text or json")
	fs.StringVar(&fl.As, "as", "command", "what the bytes are: command, result, parts or context")
	fs.StringVar(&fl.Op, "op", "", "with --as result: the command answered, by name or number")
	fs.StringVar(&fl.Req, "req", "", "with --as result: the hex of the command answered")
	device := fs.String("device", decodeview.Devices[0].Name, "device type: unknown, blk or net")
	fs.Usage = func() {
		fmt.Fprint(stdout, decodeUsage)
		fs.PrintDefaults()
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "migsim decode: "+format+"\n", a...)
		fmt.Fprintln(stderr, "run 'migsim decode --help' for usage")
		return cmdbase.ExitUsage
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return usageErr("%v", cliflag.Error(err))
	}
	var err error
	if fl.Edition, err = spec.ParseEdition(*edition); err != nil {
		return usageErr("--spec: %s", usererr.Text(err))
	}
	switch fl.As {
	case "command", "result", "parts", "context":
	default:
		return usageErr("unknown --as %q (want command, result, parts or context)", fl.As)
	}
	if fl.Device, err = decodeview.ParseDevice(*device); err != nil {
		return usageErr("%v", err)
	}
	if *format != "text" && *format != "json" {
		return usageErr("unknown format %q (want text or json)", *format)
	}
	if (fl.Op != "" || fl.Req != "") && fl.As != "result" {
		return usageErr("--op and --req go with --as result")
	}
	if fs.NArg() == 0 {
		return usageErr("missing input: give HEX or - for raw bytes on stdin")
	}
	var in []byte
	fromStdin := fs.NArg() == 1 && fs.Arg(0) == "-"
	if fromStdin {
		if in, err = inputfile.ReadAll(stdin, "stdin", inputfile.DecodeInput); err != nil {
			fmt.Fprintf(stderr, "migsim decode: read %v\n", err)
			return cmdbase.ExitUsage
		}
	} else if in, err = decodeview.ParseHex(strings.Join(fs.Args(), " ")); err != nil {
		fmt.Fprintf(stderr, "migsim decode: %v\n", err)
		return cmdbase.ExitUsage
	}
	if len(in) == 0 {
		return usageErr("empty input: nothing to decode (give HEX digits, or - with bytes on stdin)")
	}
	doc, err := decodeview.Decode(fl, in)
	if err != nil {
		fmt.Fprintf(stderr, "migsim decode: %v\n", err)
		return cmdbase.ExitUsage
	}
	if !doc.Empty() || *format == "json" {
		if err := decodeview.Write(stdout, *format, doc); err != nil {
			fmt.Fprintf(stderr, "migsim decode: write: %v\n", err)
			return cmdbase.ExitUnwritten
		}
	}
	for _, e := range doc.Errors {
		fmt.Fprintf(stderr, "migsim decode: %s\n", e.Message)
	}
	if len(doc.Errors) > 0 {
		if fromStdin && hexText(in) {
			fmt.Fprintf(stderr, "migsim decode: note: '-' reads raw bytes, and these %d bytes of stdin are hex text: give the hex as arguments (migsim decode $(cat FILE))\n", len(in))
		}
		return cmdbase.ExitUsage
	}
	return cmdbase.ExitOK
}

// hexText reports whether b reads as hex digits as a log prints them
// (with spaces, colons and line ends), at least two digits: bytes meant
// for the HEX arguments, not raw bytes.
func hexText(b []byte) bool {
	digits := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			digits++
		case c == ' ', c == ':', c == '\t', c == '\n', c == '\r':
		default:
			return false
		}
	}
	return digits >= 2
}
