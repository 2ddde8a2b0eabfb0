//go:build !race

package gcpolicy

const raceEnabled = false
