// Package reseal recomputes the checksum field of a checksummed JSON file
// (schedule files, shard summaries) after its other fields were changed
// on purpose: the fuzz targets of their parsers reseal what the fuzzer
// wrote, so that its changes reach the checks behind the checksum.
package reseal

import (
	"encoding/json"
	"strings"
)

// JSON returns b, a JSON object, with its "checksum" field (any case, as
// encoding/json matches it) replaced by sum of the object without it.
// sum gets that object's bytes and reports false when it cannot seal them
// (not the file's fields). The second result is false, and b returned as
// it is, when b is not a JSON object or sum refuses it.
func JSON(b []byte, sum func(unsealed []byte) (string, bool)) ([]byte, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil || m == nil {
		return b, false
	}
	for k := range m {
		if strings.EqualFold(k, "checksum") {
			delete(m, k)
		}
	}
	body, err := json.Marshal(m)
	if err != nil {
		return b, false
	}
	s, ok := sum(body)
	if !ok {
		return b, false
	}
	m["checksum"], _ = json.Marshal(s)
	sealed, err := json.Marshal(m)
	if err != nil {
		return b, false
	}
	return sealed, true
}
