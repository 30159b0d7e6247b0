// Package queryset provides QuerySet[T]: a lazy, immutable, chainable query
// over a model, with Django's filter / exclude / Q semantics, compiled
// through squirrel to one statement and run on pgx.
//
//	paid := queryset.New[Order](db).Filter(queryset.Q{"status": "paid", "total__gte": 100})
//	orders, err := paid.OrderBy("-created_at").Limit(50).All(ctx)
//
// Chain methods (Filter, Exclude, OrderBy, Limit, Offset, Distinct) return a
// new QuerySet and never touch the database; a mistake in them (an unknown
// field, a lookup the field's type does not support, a value of the wrong
// type) is kept and returned by the terminal method (All, Iter, Get, First,
// Last, Count, Exists, Update, Delete, SQL, Explain).
//
// Keys are "field" or "field__lookup", with relation paths joined by "__"
// ("customer__email__endswith"). Every field name is resolved against the
// model's metadata, and every value is a bind parameter: nothing a caller
// types reaches the SQL text.
package queryset
