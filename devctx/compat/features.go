package compat

import (
	"strconv"

	"github.com/migsim/migsim/spec"
)

// FeatureName names feature bit b (0–63) of model: the device-specific name
// when the model has one for b, else the transport name, else FEATURE_b
// (spec.DeviceFeatureName, by the model's virtio device id; a model migsim
// does not know names no device-specific bit).
func FeatureName(model string, b int) string {
	id, _ := ModelDeviceID(model)
	return spec.DeviceFeatureName(id, b)
}

// ParseFeature parses a feature of model by name (as FeatureName prints
// it, FEATURE_n included) or by bit number, and returns its bit number.
func ParseFeature(model, s string) (int, bool) {
	if b, err := strconv.Atoi(s); err == nil {
		return b, b >= 0 && b <= 63
	}
	for b := 0; b < 64; b++ {
		if FeatureName(model, b) == s {
			return b, true
		}
	}
	return 0, false
}
