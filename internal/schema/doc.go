// Package schema is eager's model metadata: what a model struct maps to
// (table, columns, primary key, column kinds, SQL types) and how its
// relations link it to other models, built once per type and shared.
//
//	m, err := schema.For[Order]()      // or schema.Of(reflect.Type)
//	f, ok := m.FieldByName("customer") // a column or a relation
//
// The errors a model or a caller's field name can cause (ModelError,
// FieldError) are defined here and re-exported by package orm.
package schema
