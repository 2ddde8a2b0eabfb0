// Package docs carries into the migsim binary the one file of its
// documentation a user needs beside migsim's output, wherever migsim runs:
// the Wireshark dissector migsim.lua, which decodes the pcapng traces that
// `migsim trace --format pcapng` and `migsim report` write
// (docs/traces.md). The file lives here, in the documentation, and is
// embedded from here, so that there is one copy: `migsim dissector` writes
// it out, and `migsim report` writes it beside the pcapng it writes.
package docs

import _ "embed"

// DissectorFile is the dissector's file name: what `migsim report` names
// the copy it writes beside its pcapng.
const DissectorFile = "migsim.lua"

//go:embed migsim.lua
var dissector string

// Dissector returns the Wireshark dissector, docs/migsim.lua, byte for
// byte.
func Dissector() string { return dissector }
