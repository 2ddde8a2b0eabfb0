// Package devctx owns the bytes of saved device state: the virtio-1.4 device
// parts (16-byte part header, selector union, OPTIONAL flag, the required
// order and the at-most-one / exactly-one rules) with their METADATA results,
// the draft-2023 device context (field_count and 8-byte aligned TLV fields,
// FIELDS_QUERY entries), delta and merge for incremental reads, and the
// one decoder of context and parts results. The compatibility header and
// CheckCompatible are in devctx/compat.
//
// Decoders never trust a length: they reject truncated input, lengths past
// the end, parts out of order or duplicated, reserved bytes and flag bits
// that are not zero, unknown mandatory types, field types given twice and
// values their layout forbids with an error naming the byte offset (of the
// part or field, and of the entry or byte inside its value: OffsetError,
// Rebase), the index and the type; they allocate nothing beyond the input.
// devctx knows no device behaviour; it names what a device type gives
// meaning to (feature bits, device-type fields) when told the type.
package devctx
