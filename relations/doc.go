// Package relations provides the relation field types of eager models:
// ForeignKey and OneToOne hold a key column and the related row; Many
// (reverse foreign key) and ManyToMany hold a list. The loading behind them
// (result sets, lazy and FetchPeers loads, batched prefetches) is eager's
// engine, in internal/load.
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
//
// The to-many fields also write their links, one statement per call,
// through the DB the row was read with (or inserted by orm.Insert), in its
// transaction if it has one:
//
//	err = post.Tags.Add(ctx, t1, t2)                 // ManyToMany: Add, Remove, Clear, Set
//	p, err := author.Posts.Create(ctx, &Post{...})  // Many: Add, Create, Remove, Clear
package relations
