// Package relations provides the relation field types of eager models and
// the loading behind them: ForeignKey and OneToOne hold a key column and
// the related row; Many (reverse foreign key) and ManyToMany hold a list.
//
//	type Order struct {
//	    ID       int64                          `db:"id" orm:"pk"`
//	    Customer relations.ForeignKey[Customer] `db:"customer_id"`
//	}
//	id := order.Customer.ID()          // the key, never a query
//	c, err := order.Customer.Get(ctx)  // loaded by SelectRelated, else lazily
//
// Every accessor tells three states apart: not loaded, loaded and empty (or
// NULL), and loaded.
package relations
