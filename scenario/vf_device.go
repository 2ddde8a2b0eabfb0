package scenario

// VFDevice is the device type the settings give a scenario's VFs: the value
// of the last `vf-device=` among them ("net"), "blk" (virtio-blk, the
// default) when none sets it. Pass the scenario's settings first and an
// expect line's after them: the line's override the scenario's.
func VFDevice(settings ...[]Arg) string {
	v := "blk"
	for _, set := range settings {
		for _, a := range set {
			if a.Key == "vf-device" {
				v = a.Value
			}
		}
	}
	return v
}
