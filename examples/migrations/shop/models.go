// Package shop holds the models of the example shop whose schema
// examples/migrations evolves.
package shop

import (
	"time"

	"github.com/eagerorm/eager/relations"
)

// Models lists the models the migrations follow; the migrations program
// passes it to migrate.Models.
var Models = []any{Customer{}, Product{}, Order{}}

type Customer struct {
	ID        int64                 `db:"id" orm:"pk"`
	Name      string                `db:"name"`
	Email     string                `db:"email" orm:"unique"`
	Phone     *string               `db:"phone"`
	CreatedAt time.Time             `db:"created_at" orm:"default:now()"`
	Orders    relations.Many[Order] `orm:"reverse:Customer"`
}

type Product struct {
	ID    int64  `db:"id" orm:"pk"`
	Name  string `db:"name"`
	Price string `db:"price" orm:"type:numeric(12,2)"`
}

type Order struct {
	ID       int64                          `db:"id" orm:"pk"`
	Status   string                         `db:"status" orm:"index,default:'new'"`
	Total    string                         `db:"total" orm:"type:numeric(10,2),index"`
	Note     *string                        `db:"note"`
	Customer relations.ForeignKey[Customer] `db:"customer_id" orm:"on_delete:cascade"`
	Products relations.ManyToMany[Product]  `orm:"through:order_products,from:order_id,to:product_id"`
}

// TableName avoids ORDER, a reserved word (eager would quote it, but SQL
// typed by hand would not).
func (Order) TableName() string { return "orders" }
