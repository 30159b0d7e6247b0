// Package ormtest holds test helpers: a PostgreSQL schema per test, and a
// query budget on code.
//
//	func TestMain(m *testing.M) { ormtest.Main(m) } // optional: a throwaway server when none is configured
//
//	func TestOrderList(t *testing.T) {
//	    db := ormtest.NewDB(t, Customer{}, Order{}) // a schema of its own with these tables, dropped after
//	    ...
//	    ormtest.AssertNumQueries(t, 1, func(ctx context.Context) {
//	        orders, _ := queryset.New[Order](db).SelectRelated("customer").All(ctx)
//	        render(ctx, orders)
//	    })
//	}
//
// The server is the one package pgdev finds ($EAGER_DATABASE_URL,
// $DATABASE_URL, libpq's PG* variables); without one, tests skip, or fail
// when CI=true. The function given to AssertNumQueries gets a context
// under orm.Capture: every statement run with it, on any DB, counts
// (transaction control aside). docs/testing.md is the guide.
package ormtest
