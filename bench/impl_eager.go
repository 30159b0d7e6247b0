// eager's implementation of the benchmark scenarios, written the way the
// docs teach: SelectRelated for the to-one join, PrefetchRelated for the
// to-many levels, the naive loop in Lazy mode, the same loop in FetchPeers
// mode. Model types are eagerOrder etc. because package bench already has
// the normalized shapes under the plain names; lookups use field names, so
// SelectRelated("customer") and PrefetchRelated("items__product") read as
// in any application.
//
// Normalize has no context: it reads relations that must already be loaded
// (Get/All on a loaded relation sends nothing). If one were not, the extra
// statements would show in TestSameResults, whose counts include Normalize.

package bench

import (
	"context"
	"time"

	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/eagerorm/eager/relations"
)

func init() { Register("eager", newEager) }

type eagerImpl struct {
	db, big *orm.DB
	closers []func()
}

func newEager(ctx context.Context, c *Conn) (Impl, error) {
	// Pools from Conn carry the statement-counting tracer and the dataset's
	// search_path; orm.New wraps a pool it does not own (Close does not close
	// it), so keep the pools and close them ourselves.
	pool, err := c.Pool(ctx, Main)
	if err != nil {
		return nil, err
	}
	bigPool, err := c.Pool(ctx, Big)
	if err != nil {
		pool.Close()
		return nil, err
	}
	// Default load mode (Lazy): NPlus1 measures the naive loop; FetchPeers
	// sets its mode on its QuerySet.
	return &eagerImpl{db: orm.New(pool), big: orm.New(bigPool), closers: []func(){pool.Close, bigPool.Close}}, nil
}

func (e *eagerImpl) Name() string { return "eager" }

func (e *eagerImpl) Close() {
	e.db.Close()
	e.big.Close()
	for _, f := range e.closers {
		f()
	}
}

type eagerCustomer struct {
	ID     int64                      `db:"id" orm:"pk"`
	Name   string                     `db:"name"`
	Email  string                     `db:"email" orm:"unique"`
	Orders relations.Many[eagerOrder] `orm:"reverse:Customer"`
}

func (eagerCustomer) TableName() string { return "customers" }

type eagerOrder struct {
	ID        int64                               `db:"id" orm:"pk"`
	Status    string                              `db:"status"`
	Total     float64                             `db:"total"`
	CreatedAt time.Time                           `db:"created_at"`
	Customer  relations.ForeignKey[eagerCustomer] `db:"customer_id"`
	Items     relations.Many[eagerItem]           `orm:"reverse:Order"`
}

func (eagerOrder) TableName() string { return "orders" }

type eagerItem struct {
	ID       int64                              `db:"id" orm:"pk"`
	Order    relations.ForeignKey[eagerOrder]   `db:"order_id"`
	Product  relations.ForeignKey[eagerProduct] `db:"product_id"`
	Quantity int32                              `db:"quantity"`
	Price    float64                            `db:"price"`
}

func (eagerItem) TableName() string { return "order_items" }

type eagerProduct struct {
	ID    int64   `db:"id" orm:"pk"`
	Name  string  `db:"name"`
	Price float64 `db:"price"`
}

func (eagerProduct) TableName() string { return "products" }

// orders is the first 500 orders by id: ReadSlice, and the base of Join,
// Depth2, NPlus1 and FetchPeers.
func (e *eagerImpl) orders() queryset.QuerySet[eagerOrder] {
	return queryset.New[eagerOrder](e.db).OrderBy("id").Limit(Limit)
}

func (e *eagerImpl) ReadSlice(ctx context.Context) (Result[[]Order], error) {
	orders, err := e.orders().All(ctx) // 1 statement
	return eagerOrders(orders), err
}

func (e *eagerImpl) Join(ctx context.Context) (Result[[]OrderCustomer], error) {
	orders, err := e.orders().SelectRelated("customer").All(ctx) // 1 statement: a LEFT JOIN
	return eagerOrderCustomers(orders), err
}

func (e *eagerImpl) Prefetch(ctx context.Context) (Result[[]CustomerOrders], error) {
	return eagerPrefetch(ctx, e.db)
}

func (e *eagerImpl) Prefetch100k(ctx context.Context) (Result[[]CustomerOrders], error) {
	return eagerPrefetch(ctx, e.big) // = ANY($1): no 65,535-parameter ceiling
}

func eagerPrefetch(ctx context.Context, db *orm.DB) (Result[[]CustomerOrders], error) {
	customers, err := queryset.New[eagerCustomer](db).OrderBy("id").PrefetchRelated("orders").All(ctx) // 2 statements
	return eagerCustomers(customers), err
}

func (e *eagerImpl) Depth2(ctx context.Context) (Result[[]OrderItems], error) {
	orders, err := e.orders().PrefetchRelated("items__product").All(ctx) // 3 statements: one per level
	return eagerOrderItems(orders), err
}

// NPlus1 is the naive loop in Lazy mode: one statement per order.
func (e *eagerImpl) NPlus1(ctx context.Context) (Result[[]OrderCustomer], error) {
	orders, err := e.orders().WithLoadMode(orm.Lazy).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orders {
		if _, err := o.Customer.Get(ctx); err != nil { // a query each
			return nil, err
		}
	}
	return eagerOrderCustomers(orders), nil
}

// FetchPeers is the same loop in FetchPeers mode: the first Get loads the
// customer of every order of the result (one = ANY($1) statement), the
// other 499 cost nothing. Raw pgx's equivalent is the same two statements
// by hand.
func (e *eagerImpl) FetchPeers(ctx context.Context) (Result[[]OrderCustomer], error) {
	orders, err := e.orders().WithLoadMode(orm.FetchPeers).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orders {
		if _, err := o.Customer.Get(ctx); err != nil {
			return nil, err
		}
	}
	return eagerOrderCustomers(orders), nil
}

// Normalization (not measured by the benchmarks).

type (
	eagerOrders         []*eagerOrder
	eagerOrderCustomers []*eagerOrder
	eagerOrderItems     []*eagerOrder
	eagerCustomers      []*eagerCustomer
)

func eagerKey(v any) int64 {
	if id, ok := v.(int64); ok {
		return id
	}
	return 0
}

func (o *eagerOrder) norm() Order {
	return Order{o.ID, eagerKey(o.Customer.ID()), o.Status, Cents(o.Total), Micros(o.CreatedAt)}
}

func (l eagerOrders) Normalize() []Order {
	out := make([]Order, len(l))
	for i, o := range l {
		out[i] = o.norm()
	}
	return SortOrders(out)
}

func (l eagerOrderCustomers) Normalize() []OrderCustomer {
	ctx := context.Background()
	out := make([]OrderCustomer, len(l))
	for i, o := range l {
		out[i].Order = o.norm()
		if c, err := o.Customer.Get(ctx); err == nil && c != nil { // loaded: no query
			out[i].Customer = Customer{c.ID, c.Name, c.Email}
		}
	}
	return SortOrderCustomers(out)
}

func (l eagerOrderItems) Normalize() []OrderItems {
	ctx := context.Background()
	out := make([]OrderItems, len(l))
	for i, o := range l {
		out[i].Order = o.norm()
		items, _ := o.Items.All(ctx) // loaded: no query
		for _, it := range items {
			var pr Product
			if p, err := it.Product.Get(ctx); err == nil && p != nil {
				pr = Product{p.ID, p.Name, Cents(p.Price)}
			}
			out[i].Items = append(out[i].Items, Item{it.ID, eagerKey(it.Order.ID()), eagerKey(it.Product.ID()),
				it.Quantity, Cents(it.Price), pr})
		}
	}
	return SortOrderItems(out)
}

func (l eagerCustomers) Normalize() []CustomerOrders {
	ctx := context.Background()
	out := make([]CustomerOrders, len(l))
	for i, c := range l {
		out[i].Customer = Customer{c.ID, c.Name, c.Email}
		orders, _ := c.Orders.All(ctx) // loaded: no query
		out[i].Orders = eagerOrders(orders).Normalize()
	}
	return SortCustomerOrders(out)
}
