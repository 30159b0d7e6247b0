// Package scan reads result rows into model structs: a Plan maps a
// SELECT's columns onto the row and its SelectRelated objects, and
// Scanner.Read is the one row-reading loop every query goes through (All,
// Iter's chunks, Get, First, Last in queryset/terminal.go; prefetch levels
// and lazy loads in queryset/link.go's linkedScan, run by internal/load).
// A Raw statement's plan matches columns to fields by name instead
// (byname.go). Scanner.Bind then records each object's result set
// (internal/load.Bind), so that its relations know their peers.
//
// Package queryset builds the Plan when it compiles a statement
// (queryset/statement.go) and calls this package; it imports only
// internal packages and pgx.
package scan
