// Package queryset provides QuerySet[T]: a lazy, immutable, chainable query
// over a model with Django's filter / exclude / Q semantics, compiled to one
// statement and run on pgx.
package queryset
