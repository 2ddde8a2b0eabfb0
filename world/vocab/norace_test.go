//go:build !race

package vocab

// raceEnabled: see race_test.go.
const raceEnabled = false
