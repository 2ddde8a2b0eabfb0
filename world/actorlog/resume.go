package actorlog

// Continue returns a log that holds entries and records from there on: an
// actor's record on a copy of the world, which goes on from the original's
// record up to the copy's point (Prefix). Entries is not changed: an append
// past its length allocates anew when its capacity is its length, as
// Prefix hands it out.
func Continue(entries []Entry) Log {
	return Log{on: true, entries: entries[:len(entries):len(entries)]}
}
