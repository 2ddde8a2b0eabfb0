package schedfile

import (
	"encoding/json"

	"github.com/migsim/migsim/internal/reseal"
)

// Reseal returns b with its checksum field replaced by the
// checksum of the rest of b, as Seal computes it, so that a fuzzer's
// changes reach the checks behind the checksum. The second result is
// false when b is not a JSON object of schedule fields of format 2 or
// later whose seeds read as its format writes them (b is then returned as
// it is): nothing can be sealed then, and Parse refuses b before the
// checksum. The fields are read as Parse reads them (a later key of the
// same name, in any case, wins), so the checksum is that of what Parse
// reads. Fuzz targets of the readers of schedule files use it; nothing
// that writes a schedule does (Marshal seals it).
func Reseal(b []byte) ([]byte, bool) {
	return reseal.JSON(b, func(body []byte) (string, bool) {
		var st stored
		if json.Unmarshal(body, &st) != nil {
			return "", false
		}
		s, err := st.schedule()
		if err != nil || s.Format == FormatV1 {
			return "", false
		}
		sum, err := s.checksum()
		return sum, err == nil
	})
}
