// Package naming turns Go identifiers into the snake_case names eager uses
// for tables, columns and lookup paths, and suggests the closest name when a
// user misspells one.
//
//	naming.Snake("CustomerID") // "customer_id"
package naming
