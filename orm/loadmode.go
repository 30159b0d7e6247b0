package orm

// LoadMode decides what an access to a relation that neither SelectRelated
// nor PrefetchRelated loaded does.
type LoadMode uint8

const (
	// Lazy runs one query for the access (the N+1 pattern, recorded by hooks).
	Lazy LoadMode = iota
	// Strict panics with *LazyLoadError when the row came from a multi-row
	// result; a row from Get or First still loads lazily.
	Strict
	// StrictAll panics on every unloaded access.
	StrictAll
	// FetchPeers loads the relation for every row of the result set the row
	// came from, in one statement, on the first access.
	FetchPeers
)

func (m LoadMode) String() string {
	switch m {
	case Lazy:
		return "Lazy"
	case Strict:
		return "Strict"
	case StrictAll:
		return "StrictAll"
	case FetchPeers:
		return "FetchPeers"
	}
	return "LoadMode(?)"
}
