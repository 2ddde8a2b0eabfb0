package engine

import "github.com/migsim/migsim/engine/footprint"

// Resource names one piece of shared state a step may touch
// (footprint.Resource).
type Resource = footprint.Resource

// Footprint is the shared state a step touches: the sorted sets of
// resources it reads and writes (footprint.Footprint).
type Footprint = footprint.Footprint

// ResourceID packs a resource class and two coordinates (footprint.ResourceID).
func ResourceID(class uint8, a, b uint32) Resource { return footprint.ResourceID(class, a, b) }

// NewFootprint returns the footprint reading reads and writing writes
// (footprint.New).
func NewFootprint(reads, writes []Resource) Footprint { return footprint.New(reads, writes) }

// Reads returns the footprint that reads ids and writes nothing.
func Reads(ids ...Resource) Footprint { return footprint.New(ids, nil) }

// Writes returns the footprint that writes ids and reads nothing.
func Writes(ids ...Resource) Footprint { return footprint.New(nil, ids) }
