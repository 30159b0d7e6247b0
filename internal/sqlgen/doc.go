// Package sqlgen is eager's one SQL writer: identifier quoting, placeholder
// numbering and the statement skeletons every query and write is built
// from, and the Dialect holding what PostgreSQL writes its own way.
//
// # One path for every statement
//
// Statements are squirrel builders started from Builder (Insert, Update
// and Delete here start the writes; queryset starts its SELECTs from
// Builder too). Text inside them uses ? for every parameter; the
// placeholder format (D.Placeholders: $1, $2, ...) is applied once, when
// the outermost builder's ToSql runs. A statement nested in another (a
// subquery) is rendered with squirrel.Question and numbered with its host.
// Nothing in eager writes $n by hand.
//
// Names are quoted by Quote (the dialect's QuoteIdent) and nothing else:
// Ident, Col and Table quote for text squirrel finishes, where a ? inside a
// name must be written ?? so the placeholder pass leaves it alone; DDL
// (package migrate), which squirrel never sees, uses Quote directly and
// writes a Bare name bare.
//
// Values are data: squirrel splices any squirrel.Sqlizer it meets into the
// SQL text, arguments included, so a value that is one is refused
// (CheckValue) before it reaches a builder.
//
// # The dialect seam
//
// D is the Dialect in use; Postgres is the only implementation. It holds
// the fragments that are PostgreSQL's and not standard SQL (= ANY(array),
// unnest of an array, RETURNING, ON CONFLICT, ::text and ::date casts, EXTRACT and
// DATE_TRUNC, the ~ and ~* regex operators, FILTER on aggregates, the
// row-locking clause (Lock),
// DECLARE/FETCH/CLOSE cursors, the COPY statement hooks report), quoting
// and keyword rules, the placeholder style, and the SQLSTATE codes of
// constraint violations. The interface lists only what a caller uses.
//
// Adding a second database touches: this package (a type implementing
// Dialect, and D or Builder becoming the DB handle's choice rather than a
// package variable: orm.DB would carry its dialect and queryset would take
// Builder and D from it); the executor (orm/exec.go, orm/querier.go: the
// driver); value encoding (internal/pgvalue, orm/write.go's arg) and row
// scanning (internal/schema's addresses, internal/relfield's key
// scanners); constraint errors (orm/errors.go keeps *pgconn.PgError in
// ConstraintError); and DDL (package migrate: column types in
// internal/schema/coltype.go, statements in migrate/operation.go,
// op_column.go, op_index.go, lock.go). The query compiler (queryset) calls
// the dialect for the fragments it needs and would not change. Still
// written outside the dialect: the ?::type casts and ON CONFLICT DO
// NOTHING of ManyToMany writes (relations/write_m2m.go), the migration
// runner's catalog queries (package migrate), and what is standard SQL
// (UPPER and LIKE for the i-lookups, ROW_NUMBER() OVER for per-parent
// limits).
package sqlgen
