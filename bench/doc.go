// Package bench measures eager against the field — raw pgx with hand-written
// scans (the baseline), GORM, Bun, sqlx and ent — on one schema and one seed,
// scenario by scenario, side by side in one run.
//
// Every library is an [Impl]: one type with one method per scenario, each
// returning the library's own rows wrapped in a [Result] whose Normalize
// turns them into plain, comparable values ([Order], [OrderCustomer], ...).
// The benchmarks call the methods and discard the result; the same-results
// test normalizes and compares them against raw pgx.
//
// An implementation lives in one file, impl_<name>.go, and registers itself:
//
//	func init() { Register("eager", newEager) }
//
// Its factory receives a [Conn], which opens pgx pools or database/sql
// handles on the main or the 100,000-parent dataset, all with a tracer that
// counts the statements the implementation sends (statements/op).
//
// The schema (eager_bench and eager_bench_big) is created and seeded once per
// server by [Setup]; see seed.go. run.sh runs the benchmarks interleaved over
// several rounds and rewrites ../docs/performance.md.
package bench
