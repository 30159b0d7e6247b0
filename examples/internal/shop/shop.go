// Package shop is the small order dashboard the nplusone tutorial and the
// service example share: customers and their orders, tables created from
// the models by package migrate, seeded with BulkInsert.
package shop

import (
	"context"
	"fmt"
	"time"

	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/pgdev"
	"github.com/eagerorm/eager/relations"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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

// Models are the shop's models: what Setup creates tables for, and what a
// test passes to ormtest.NewDB.
var Models = []any{Customer{}, Order{}}

// Open finds the server (dsn, else the one the environment names, else a
// throwaway cluster: pgdev.Start), recreates schema on it and returns a DB
// whose connections work in that schema, and the server's name for the
// program's first line. stop releases both.
func Open(ctx context.Context, dsn, schema string, opts ...orm.Option) (db *orm.DB, server string, stop func(), err error) {
	srv, err := pgdev.Start(ctx, dsn)
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
	inSchema := orm.WithPoolConfig(func(pc *pgxpool.Config) { pc.ConnConfig.RuntimeParams["search_path"] = schema })
	db, err = orm.Open(ctx, srv.DSN, append(opts[:len(opts):len(opts)], inSchema)...)
	if err != nil {
		srv.Stop()
		return nil, "", nil, err
	}
	return db, srv.String(), func() { db.Close(); srv.Stop() }, nil
}

// Setup creates the tables from the models (migrate.CreateModels: the
// schema a first migration would create) and seeds n orders spread over
// n/5 customers.
func Setup(ctx context.Context, db *orm.DB, n int) error {
	if err := migrate.CreateModels(ctx, db, Models...); err != nil {
		return err
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
