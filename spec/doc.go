// Package spec holds the tables every other migsim package reads: the typed
// constants of the virtio admin-command and device-migration text (opcodes,
// group types, status codes and qualifiers, device-part and draft context
// field types, common-configuration offsets, device status and feature bits),
// the two editions migsim implements (draft-2023, the seed proposal, and
// virtio-1.4, the merged device-parts text) with their opcode sets, modes and
// transition tables, the Rules knobs that settle what the text leaves open,
// and the catalog of normative requirements with stable IDs.
//
// spec depends on nothing. It owns no behaviour: devices, codecs and oracles
// read these tables; they do not live here.
//
// Values of the draft-2023 edition (its opcodes, modes and context field
// types) were never published in a stable form; migsim assigns them
// (docs/spec.md, "The two editions") and every place that prints them
// labels them "simulator-assigned".
package spec
