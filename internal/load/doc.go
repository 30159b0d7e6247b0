// Package load is eager's loading engine: what a row remembers about the
// result set it came from, and how relations are loaded for a set of rows.
//
//   - source.go: Bind records a result set (a Source) and points every
//     relation field of its rows at a Binding, which holds the rows' peers,
//     DB, load mode and path from the root QuerySet; Loaded, SetOne, SetMany
//     read and fill relation fields; TrackEager records eager loads for the
//     capture report.
//   - access.go: Binding.Access, an unloaded relation's Get or All: one
//     query (Lazy), a panic (Strict, StrictAll) or one query for every peer
//     (FetchPeers).
//   - prefetch.go: Prefetch builds the tree of PrefetchRelated lookups and
//     loads it one level per round trip; CheckLookups checks a tree early.
//   - fetch.go: one relation of one level for a set of parents (one
//     statement, keys as one array), and the hand-out of the rows read to
//     their parents.
//   - keys.go: reading keys from rows, the key array, key indexes.
//   - written.go: Written, set by package queryset, binds a row orm.Insert
//     wrote as a read row is bound.
//   - chunk.go: PerChunk marks the statements Iter sends once per chunk,
//     which the capture report (package orm) never counts as an N+1.
//   - query.go, db.go: what the engine needs from its callers, declared
//     here because it may not import them: a Query (a queryset restricted
//     to linked keys, implemented in package queryset), a DB (implemented
//     over *orm.DB, unexported, in package orm, and handed out by
//     EngineOf, which orm sets), the load modes.
//
// Callers: package queryset binds every result it reads and runs its
// prefetches (terminal.go, through internal/scan), with the DB EngineOf
// gives it; package relations calls BindingOf(...).Access for an unloaded
// Get or All, and Binding.DB for its writes; package orm reads PerChunk,
// calls Written and sets EngineOf. This package imports only internal
// packages and pgx, never orm, relations or queryset.
package load
