package bench

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Bun with its PostgreSQL dialect over pgx's database/sql driver (Bun's own
// pgdriver would bypass pgx and its tracer). Relation("Customer") on a
// belongs-to is a JOIN; on a has-many it is a second query, keyed with an
// IN list that Bun interpolates into the SQL text itself.

func init() { Register("bun", newBun) }

type bunImpl struct {
	db, big *bun.DB
}

func newBun(ctx context.Context, c *Conn) (Impl, error) {
	sqlDB, err := c.SQL(Main)
	if err != nil {
		return nil, err
	}
	sqlBig, err := c.SQL(Big)
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	return &bunImpl{db: bun.NewDB(sqlDB, pgdialect.New()), big: bun.NewDB(sqlBig, pgdialect.New())}, nil
}

func (b *bunImpl) Name() string { return "bun" }

func (b *bunImpl) Close() {
	b.db.Close()
	b.big.Close()
}

type bunCustomer struct {
	bun.BaseModel `bun:"table:customers"`
	ID            int64       `bun:"id,pk"`
	Name          string      `bun:"name"`
	Email         string      `bun:"email"`
	Orders        []*bunOrder `bun:"rel:has-many,join:id=customer_id"`
}

type bunOrder struct {
	bun.BaseModel `bun:"table:orders"`
	ID            int64        `bun:"id,pk"`
	CustomerID    int64        `bun:"customer_id"`
	Status        string       `bun:"status"`
	Total         float64      `bun:"total"`
	CreatedAt     time.Time    `bun:"created_at"`
	Customer      *bunCustomer `bun:"rel:belongs-to,join:customer_id=id"`
	Items         []*bunItem   `bun:"rel:has-many,join:id=order_id"`
}

type bunItem struct {
	bun.BaseModel `bun:"table:order_items"`
	ID            int64       `bun:"id,pk"`
	OrderID       int64       `bun:"order_id"`
	ProductID     int64       `bun:"product_id"`
	Quantity      int32       `bun:"quantity"`
	Price         float64     `bun:"price"`
	Product       *bunProduct `bun:"rel:belongs-to,join:product_id=id"`
}

type bunProduct struct {
	bun.BaseModel `bun:"table:products"`
	ID            int64   `bun:"id,pk"`
	Name          string  `bun:"name"`
	Price         float64 `bun:"price"`
}

func (b *bunImpl) ReadSlice(ctx context.Context) (Result[[]Order], error) {
	var orders []*bunOrder
	err := b.db.NewSelect().Model(&orders).Order("id").Limit(Limit).Scan(ctx)
	return bunOrders(orders), err
}

func (b *bunImpl) Join(ctx context.Context) (Result[[]OrderCustomer], error) {
	var orders []*bunOrder
	err := b.db.NewSelect().Model(&orders).Relation("Customer").Order("bun_order.id").Limit(Limit).Scan(ctx)
	return bunOrderCustomers(orders), err
}

func (b *bunImpl) Prefetch(ctx context.Context) (Result[[]CustomerOrders], error) {
	return bunPrefetch(ctx, b.db)
}

func (b *bunImpl) Prefetch100k(ctx context.Context) (Result[[]CustomerOrders], error) {
	return bunPrefetch(ctx, b.big)
}

func bunPrefetch(ctx context.Context, db *bun.DB) (Result[[]CustomerOrders], error) {
	var customers []*bunCustomer
	err := db.NewSelect().Model(&customers).Relation("Orders").Order("id").Scan(ctx)
	return bunCustomers(customers), err
}

func (b *bunImpl) Depth2(ctx context.Context) (Result[[]OrderItems], error) {
	var orders []*bunOrder
	err := b.db.NewSelect().Model(&orders).Relation("Items").Relation("Items.Product").Order("id").Limit(Limit).Scan(ctx)
	return bunOrderItems(orders), err
}

func (b *bunImpl) NPlus1(ctx context.Context) (Result[[]OrderCustomer], error) {
	var orders []*bunOrder
	if err := b.db.NewSelect().Model(&orders).Order("id").Limit(Limit).Scan(ctx); err != nil {
		return nil, err
	}
	for _, o := range orders {
		c := new(bunCustomer)
		if err := b.db.NewSelect().Model(c).Where("id = ?", o.CustomerID).Scan(ctx); err != nil {
			return nil, err
		}
		o.Customer = c
	}
	return bunOrderCustomers(orders), nil
}

func (b *bunImpl) FetchPeers(context.Context) (Result[[]OrderCustomer], error) {
	return nil, ErrNotApplicable
}

type (
	bunOrders         []*bunOrder
	bunOrderCustomers []*bunOrder
	bunOrderItems     []*bunOrder
	bunCustomers      []*bunCustomer
)

func (o *bunOrder) norm() Order {
	return Order{o.ID, o.CustomerID, o.Status, Cents(o.Total), Micros(o.CreatedAt)}
}

func (l bunOrders) Normalize() []Order {
	out := make([]Order, len(l))
	for i, o := range l {
		out[i] = o.norm()
	}
	return SortOrders(out)
}

func (l bunOrderCustomers) Normalize() []OrderCustomer {
	out := make([]OrderCustomer, len(l))
	for i, o := range l {
		out[i].Order = o.norm()
		if c := o.Customer; c != nil {
			out[i].Customer = Customer{c.ID, c.Name, c.Email}
		}
	}
	return SortOrderCustomers(out)
}

func (l bunOrderItems) Normalize() []OrderItems {
	out := make([]OrderItems, len(l))
	for i, o := range l {
		out[i].Order = o.norm()
		for _, it := range o.Items {
			var pr Product
			if it.Product != nil {
				pr = Product{it.Product.ID, it.Product.Name, Cents(it.Product.Price)}
			}
			out[i].Items = append(out[i].Items, Item{it.ID, it.OrderID, it.ProductID, it.Quantity, Cents(it.Price), pr})
		}
	}
	return SortOrderItems(out)
}

func (l bunCustomers) Normalize() []CustomerOrders {
	out := make([]CustomerOrders, len(l))
	for i, c := range l {
		out[i].Customer = Customer{c.ID, c.Name, c.Email}
		for _, o := range c.Orders {
			out[i].Orders = append(out[i].Orders, o.norm())
		}
	}
	return SortCustomerOrders(out)
}
