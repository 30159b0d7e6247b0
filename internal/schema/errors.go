package schema

import "fmt"

// ModelError is a struct that cannot be used as a model, or a field of one
// that cannot be mapped. It names the type and, when it applies, the field.
// Package orm re-exports it as orm.ModelError.
type ModelError struct {
	Model string // Go type name
	Field string // Go field name, "" for errors about the whole type
	Msg   string
	Err   error // the underlying cause, when there is one (a broken relation target)
}

func (e *ModelError) Error() string {
	s := "orm: model " + e.Model
	if e.Field != "" {
		s += ", field " + e.Field
	}
	s += ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ModelError) Unwrap() error { return e.Err }

// FieldError is a field name, lookup or value a caller passed that does not
// fit the model: an unknown field, a lookup the field's type does not support,
// a value of the wrong type. It names the model, the field and, for unknown
// names, the choices that exist. Package orm re-exports it as orm.FieldError.
type FieldError struct {
	Model   string
	Field   string   // the name as the caller wrote it
	Value   any      // the offending value, when a value was the problem
	Msg     string   // what is wrong
	Choices []string // valid names, for an unknown field
	Suggest string   // the closest valid name, if any
}

func (e *FieldError) Error() string {
	s := fmt.Sprintf("orm: %s: field %q: %s", e.Model, e.Field, e.Msg)
	if e.Suggest != "" {
		s += fmt.Sprintf(" (did you mean %q?)", e.Suggest)
	}
	if len(e.Choices) > 0 {
		s += "; choices are: "
		for i, c := range e.Choices {
			if i > 0 {
				s += ", "
			}
			s += c
		}
	}
	return s
}
