// Package layout holds no code: its test keeps the package layout that
// docs/architecture.md draws true of the imports (the diagram, and the
// rules about which package may import which).
package layout
