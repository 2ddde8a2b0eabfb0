package devicetest

// splitFailures returns each failure's requirements and message, in
// order, for a table test that compares them.
func splitFailures(fails []Failure) (reqs [][]string, msgs []string) {
	for _, f := range fails {
		reqs = append(reqs, f.Requirements)
		msgs = append(msgs, f.Message)
	}
	return reqs, msgs
}
