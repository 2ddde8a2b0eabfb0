package world

import (
	"math"

	"github.com/migsim/migsim/scenario"
)

// settingInt returns an integer setting, or def when it is not set. The
// settings were checked when the world was built (vocab.CheckWorldSettings), so
// a value that does not parse cannot reach here.
func (w *World) settingInt(key string, def int) int {
	v, ok := w.setting(key)
	if !ok {
		return def
	}
	n, err := scenario.ParseNumber(v, math.MinInt64, math.MaxInt64)
	if err != nil {
		return def
	}
	return int(n)
}
