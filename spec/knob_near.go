package spec

// nearKnob returns "; did you mean NAME?" for the knob an unknown name
// most likely means: the one that is the same name but for case and the
// separator (flr_vs_mode, FLR-VS-MODE, "flr vs mode"), as a program that
// names its knobs as identifiers writes them; else "".
func nearKnob(name string) string {
	got := foldName(name)
	if got == "" {
		return ""
	}
	for _, k := range Knobs {
		if foldName(k.Name) == got {
			return "; did you mean " + k.Name + "?"
		}
	}
	return ""
}
