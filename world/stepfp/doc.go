// Package stepfp computes the footprints of the world's steps from the
// world's state (docs/engine.md, "Scheduling model"): every world step
// declares the shared resources it reads and writes, so that partial-order
// reduction reorders only steps that commute. Package world/por holds the
// resource classes and builds a footprint from its key and the world's
// shape (por.Shape); this package records the shape and each actor's kind
// once the actors exist (Steps.Init) and computes the key of an actor's
// pending operation (Steps.Actor) or of a device's next event
// (Steps.Device). It sees the world only through World, which the world
// implements; the world's footprint guard checks at run time that no step
// touches what it did not declare.
package stepfp
