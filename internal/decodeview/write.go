package decodeview

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Write writes doc as text (a title line, aligned fields, one block per
// section, notes) or as indented JSON (format "json").
func Write(w io.Writer, format string, doc Doc) error {
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

func writeDecodeFields(b *strings.Builder, fs []Field) {
	width := 0
	for _, f := range fs {
		width = max(width, len(f.Name))
	}
	for _, f := range fs {
		fmt.Fprintf(b, "  %-*s  %s\n", width, f.Name, f.Value)
	}
}
