// Package wire holds the messages of the external-device protocol
// (docs/device-protocol.md, "Messages"), one JSON object a line in either
// direction, and their strict codec: Append writes a message as encoding/json
// would with Message's tags, Decode reads one line refusing any key
// Message does not declare, a repeated key and a fraction or exponent in
// an integer, and names the byte and the field
// where a line stops making sense. It is about ten times faster than
// encoding/json with DisallowUnknownFields, which dominated the cost of a
// message; its tests hold it to encoding/json's reading of the same lines.
//
// Package extdevice speaks the protocol with these messages (its Message
// and the other types are aliases of this package's); the protocol's
// constants (ops, limits, device types) are extdevice's.
package wire
