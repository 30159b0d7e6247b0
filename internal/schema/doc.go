// Package schema is eager's model metadata: what a model struct maps to
// (table, columns, primary key, column kinds, SQL types) and how its
// relations link it to other models, built once per type and shared.
//
//	m, err := schema.For[Order]()      // or schema.Of(reflect.Type)
//	f, ok := m.FieldByName("customer") // a column or a relation
//
// Each relation's link is described once, as hops of (table, column) ->
// (table, column) pairs (Relation.Hops): joins, EXISTS subqueries, batched
// and lazy loads, DDL and the writes' checks all read it from there, not
// from the kind. Relation fields are recognised by the zero-size marker
// that opens them (package relfield), not by methods on package relations'
// types, and their keys are read and written through relfield's layout.
//
// The errors a model or a caller's field name can cause (ModelError,
// FieldError) are defined here and re-exported by package orm.
package schema
