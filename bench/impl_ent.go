package bench

import (
	"context"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/eagerorm/eager/bench/ent"
	"github.com/eagerorm/eager/bench/ent/customer"
	"github.com/eagerorm/eager/bench/ent/order"
)

// ent with its generated client (bench/ent, from bench/ent/schema) over
// pgx's database/sql driver. ent has no JOIN loading: With<Edge> always
// runs one more query per edge, keyed with an IN list of bind parameters.

func init() { Register("ent", newEnt) }

type entImpl struct {
	db, big *ent.Client
}

func openEnt(c *Conn, d Dataset) (*ent.Client, error) {
	sqlDB, err := c.SQL(d)
	if err != nil {
		return nil, err
	}
	return ent.NewClient(ent.Driver(entsql.OpenDB(dialect.Postgres, sqlDB))), nil
}

func newEnt(ctx context.Context, c *Conn) (Impl, error) {
	db, err := openEnt(c, Main)
	if err != nil {
		return nil, err
	}
	big, err := openEnt(c, Big)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &entImpl{db: db, big: big}, nil
}

func (e *entImpl) Name() string { return "ent" }

func (e *entImpl) Close() {
	e.db.Close()
	e.big.Close()
}

func (e *entImpl) orders() *ent.OrderQuery {
	return e.db.Order.Query().Order(order.ByID()).Limit(Limit)
}

func (e *entImpl) ReadSlice(ctx context.Context) (Result[[]Order], error) {
	orders, err := e.orders().All(ctx)
	return entOrders(orders), err
}

func (e *entImpl) Join(ctx context.Context) (Result[[]OrderCustomer], error) {
	orders, err := e.orders().WithCustomer().All(ctx)
	return entOrderCustomers(orders), err
}

func (e *entImpl) Prefetch(ctx context.Context) (Result[[]CustomerOrders], error) {
	customers, err := e.db.Customer.Query().Order(customer.ByID()).WithOrders().All(ctx)
	return entCustomers(customers), err
}

func (e *entImpl) Prefetch100k(ctx context.Context) (Result[[]CustomerOrders], error) {
	customers, err := e.big.Customer.Query().Order(customer.ByID()).WithOrders().All(ctx)
	return entCustomers(customers), err
}

func (e *entImpl) Depth2(ctx context.Context) (Result[[]OrderItems], error) {
	orders, err := e.orders().WithItems(func(q *ent.OrderItemQuery) { q.WithProduct() }).All(ctx)
	return entOrderItems(orders), err
}

func (e *entImpl) NPlus1(ctx context.Context) (Result[[]OrderCustomer], error) {
	orders, err := e.orders().All(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orders {
		c, err := o.QueryCustomer().Only(ctx)
		if err != nil {
			return nil, err
		}
		o.Edges.Customer = c
	}
	return entOrderCustomers(orders), nil
}

func (e *entImpl) FetchPeers(context.Context) (Result[[]OrderCustomer], error) {
	return nil, ErrNotApplicable
}

type (
	entOrders         []*ent.Order
	entOrderCustomers []*ent.Order
	entOrderItems     []*ent.Order
	entCustomers      []*ent.Customer
)

func entOrder(o *ent.Order) Order {
	return Order{o.ID, o.CustomerID, o.Status, Cents(o.Total), Micros(o.CreatedAt)}
}

func (l entOrders) Normalize() []Order {
	out := make([]Order, len(l))
	for i, o := range l {
		out[i] = entOrder(o)
	}
	return SortOrders(out)
}

func (l entOrderCustomers) Normalize() []OrderCustomer {
	out := make([]OrderCustomer, len(l))
	for i, o := range l {
		out[i].Order = entOrder(o)
		if c := o.Edges.Customer; c != nil {
			out[i].Customer = Customer{c.ID, c.Name, c.Email}
		}
	}
	return SortOrderCustomers(out)
}

func (l entOrderItems) Normalize() []OrderItems {
	out := make([]OrderItems, len(l))
	for i, o := range l {
		out[i].Order = entOrder(o)
		for _, it := range o.Edges.Items {
			var pr Product
			if p := it.Edges.Product; p != nil {
				pr = Product{p.ID, p.Name, Cents(p.Price)}
			}
			out[i].Items = append(out[i].Items, Item{it.ID, it.OrderID, it.ProductID, it.Quantity, Cents(it.Price), pr})
		}
	}
	return SortOrderItems(out)
}

func (l entCustomers) Normalize() []CustomerOrders {
	out := make([]CustomerOrders, len(l))
	for i, c := range l {
		out[i].Customer = Customer{c.ID, c.Name, c.Email}
		out[i].Orders = entOrders(c.Edges.Orders).Normalize()
	}
	return SortCustomerOrders(out)
}
