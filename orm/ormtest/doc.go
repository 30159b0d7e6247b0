// Package ormtest holds test helpers that put a query budget on code:
//
//	ormtest.AssertNumQueries(t, 1, func(ctx context.Context) {
//	    orders, _ := queryset.New[Order](db).SelectRelated("customer").All(ctx)
//	    render(ctx, orders)
//	})
//
// The function gets a context under orm.Capture: every statement run with
// it, on any DB, counts (transaction control aside).
package ormtest
