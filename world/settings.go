package world

import "strconv"

// settingInt returns an integer setting, or def when it is not set. The
// settings were checked when the world was built (vocab.CheckWorldSettings), so
// a value that does not parse cannot reach here.
func (w *World) settingInt(key string, def int) int {
	v, ok := w.setting(key)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 0, 64)
	if err != nil {
		return def
	}
	return int(n)
}
