// Package layout holds no code: its tests keep the package layout that
// docs/architecture.md draws true of the imports (the diagram, and the
// rules about which package may import which), and check that the catalog
// tests CI leaves out of its race step run on one goroutine.
package layout
