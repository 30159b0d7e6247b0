// Package shop is the small order dashboard the nplusone tutorial and the
// service example share: customers and their orders, tables created from
// the models by package migrate, seeded with BulkInsert.
package shop

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/eagerorm/eager/internal/pgserver"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/relations"
	"github.com/jackc/pgx/v5"
)

type Customer struct {
	ID     int64                 `db:"id" orm:"pk"`
	Name   string                `db:"name"`
	Email  string                `db:"email" orm:"unique"`
	Orders relations.Many[Order] `orm:"reverse:Customer"`
}

type Order struct {
	ID        int64                          `db:"id" orm:"pk"`
	Status    string                         `db:"status" orm:"index"`
	Total     float64                        `db:"total" orm:"type:numeric(10,2)"`
	CreatedAt time.Time                      `db:"created_at" orm:"default:now()"`
	Customer  relations.ForeignKey[Customer] `db:"customer_id"`
}

func (Order) TableName() string { return "orders" }

// Open resolves the server the way the tests do (a -dsn flag, the
// environment, or a throwaway cluster), recreates schema on it and returns
// a DB working in that schema. stop releases both.
func Open(ctx context.Context, dsn, schema string, opts ...orm.Option) (db *orm.DB, server string, stop func(), err error) {
	srv, err := pgserver.ResolveDSN(dsn)
	if err != nil {
		return nil, "", nil, err
	}
	admin, err := pgx.Connect(ctx, srv.DSN)
	if err != nil {
		srv.Stop()
		return nil, "", nil, err
	}
	defer admin.Close(ctx)
	quoted := pgx.Identifier{schema}.Sanitize()
	if _, err := admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+quoted+" CASCADE; CREATE SCHEMA "+quoted); err != nil {
		srv.Stop()
		return nil, "", nil, err
	}
	db, err = orm.Open(ctx, pgserver.WithSearchPath(srv.DSN, schema), opts...)
	if err != nil {
		srv.Stop()
		return nil, "", nil, err
	}
	return db, describe(srv), func() { db.Close(); srv.Stop() }, nil
}

func describe(srv *pgserver.Server) string {
	if srv.Throwaway {
		return "a throwaway PostgreSQL cluster"
	}
	if u, err := url.Parse(srv.DSN); err == nil && u.Host != "" {
		return "PostgreSQL at " + u.Host
	}
	return "PostgreSQL"
}

// Setup creates the tables from the models (the SQL migrate would generate
// for a first migration) and seeds n orders spread over n/5 customers.
func Setup(ctx context.Context, db *orm.DB, n int) error {
	models, err := migrate.ModelsOf(Customer{}, Order{})
	if err != nil {
		return err
	}
	state, err := migrate.FromModels(models...)
	if err != nil {
		return err
	}
	ddl, err := migrate.SQL(migrate.Diff(migrate.NewState(), state)...)
	if err != nil {
		return err
	}
	for _, stmt := range ddl {
		if _, err := db.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("shop: %s: %w", stmt, err)
		}
	}
	customers := make([]*Customer, max(1, n/5))
	for i := range customers {
		customers[i] = &Customer{Name: fmt.Sprintf("Customer %03d", i+1), Email: fmt.Sprintf("c%d@example.com", i+1)}
	}
	if err := orm.BulkInsert(ctx, db, customers); err != nil {
		return err
	}
	statuses := []string{"paid", "open", "shipped"}
	orders := make([]*Order, n)
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range orders {
		o := &Order{Status: statuses[i%3], Total: float64(1000+i*37%9000) / 100, CreatedAt: start.Add(time.Duration(i) * time.Hour)}
		o.Customer.Set(customers[(i*7)%len(customers)])
		orders[i] = o
	}
	return orm.BulkInsert(ctx, db, orders)
}
