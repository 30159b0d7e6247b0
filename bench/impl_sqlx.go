package bench

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// sqlx over pgx's database/sql driver: hand-written SQL, struct scanning by
// db tags (nested structs through "customer.id"-style aliases), batch loads
// with sqlx.In, sqlx's documented way to expand an IN list (one bind
// parameter per key).

func init() { Register("sqlx", newSqlx) }

type sqlxImpl struct {
	db, big *sqlx.DB
}

func newSqlx(ctx context.Context, c *Conn) (Impl, error) {
	sqlDB, err := c.SQL(Main)
	if err != nil {
		return nil, err
	}
	sqlBig, err := c.SQL(Big)
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	return &sqlxImpl{db: sqlx.NewDb(sqlDB, "pgx"), big: sqlx.NewDb(sqlBig, "pgx")}, nil
}

func (s *sqlxImpl) Name() string { return "sqlx" }

func (s *sqlxImpl) Close() {
	s.db.Close()
	s.big.Close()
}

type sqlxOrder struct {
	ID         int64     `db:"id"`
	CustomerID int64     `db:"customer_id"`
	Status     string    `db:"status"`
	Total      float64   `db:"total"`
	CreatedAt  time.Time `db:"created_at"`
}

type sqlxCustomer struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Email string `db:"email"`
}

type sqlxProduct struct {
	ID    int64   `db:"id"`
	Name  string  `db:"name"`
	Price float64 `db:"price"`
}

type sqlxItem struct {
	ID        int64   `db:"id"`
	OrderID   int64   `db:"order_id"`
	ProductID int64   `db:"product_id"`
	Quantity  int32   `db:"quantity"`
	Price     float64 `db:"price"`
	Product   *sqlxProduct
}

type sqlxOrderCustomer struct {
	sqlxOrder
	Customer *sqlxCustomer `db:"customer"`
}

type sqlxCustomerOrders struct {
	sqlxCustomer
	Orders []sqlxOrder
}

type sqlxOrderItems struct {
	sqlxOrder
	Items []sqlxItem
}

const sqlxOrdersSQL = "SELECT id, customer_id, status, total, created_at FROM orders ORDER BY id LIMIT 500"

func (s *sqlxImpl) ReadSlice(ctx context.Context) (Result[[]Order], error) {
	var orders []sqlxOrder
	err := s.db.SelectContext(ctx, &orders, sqlxOrdersSQL)
	return sqlxOrders(orders), err
}

func (s *sqlxImpl) Join(ctx context.Context) (Result[[]OrderCustomer], error) {
	var orders []sqlxOrderCustomer
	err := s.db.SelectContext(ctx, &orders, `SELECT o.id, o.customer_id, o.status, o.total, o.created_at,
		c.id AS "customer.id", c.name AS "customer.name", c.email AS "customer.email"
		FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id LIMIT 500`)
	return sqlxOrderCustomers(orders), err
}

func (s *sqlxImpl) Prefetch(ctx context.Context) (Result[[]CustomerOrders], error) {
	return sqlxPrefetch(ctx, s.db)
}

func (s *sqlxImpl) Prefetch100k(ctx context.Context) (Result[[]CustomerOrders], error) {
	return sqlxPrefetch(ctx, s.big)
}

func sqlxPrefetch(ctx context.Context, db *sqlx.DB) (Result[[]CustomerOrders], error) {
	var customers []sqlxCustomer
	if err := db.SelectContext(ctx, &customers, "SELECT id, name, email FROM customers ORDER BY id"); err != nil {
		return nil, err
	}
	out := make([]sqlxCustomerOrders, len(customers))
	ids := make([]int64, len(customers))
	index := make(map[int64]int, len(customers))
	for i, c := range customers {
		out[i].sqlxCustomer = c
		ids[i] = c.ID
		index[c.ID] = i
	}
	q, args, err := sqlx.In("SELECT id, customer_id, status, total, created_at FROM orders WHERE customer_id IN (?)", ids)
	if err != nil {
		return nil, err
	}
	var orders []sqlxOrder
	if err := db.SelectContext(ctx, &orders, db.Rebind(q), args...); err != nil {
		return nil, err
	}
	for _, o := range orders {
		c := &out[index[o.CustomerID]]
		c.Orders = append(c.Orders, o)
	}
	return sqlxCustomerOrdersList(out), nil
}

func (s *sqlxImpl) Depth2(ctx context.Context) (Result[[]OrderItems], error) {
	var orders []sqlxOrder
	if err := s.db.SelectContext(ctx, &orders, sqlxOrdersSQL); err != nil {
		return nil, err
	}
	out := make([]sqlxOrderItems, len(orders))
	ids := make([]int64, len(orders))
	index := make(map[int64]int, len(orders))
	for i, o := range orders {
		out[i].sqlxOrder = o
		ids[i] = o.ID
		index[o.ID] = i
	}
	q, args, err := sqlx.In("SELECT id, order_id, product_id, quantity, price FROM order_items WHERE order_id IN (?)", ids)
	if err != nil {
		return nil, err
	}
	var items []sqlxItem
	if err := s.db.SelectContext(ctx, &items, s.db.Rebind(q), args...); err != nil {
		return nil, err
	}
	var productIDs []int64
	seen := make(map[int64]struct{})
	for _, it := range items {
		if _, ok := seen[it.ProductID]; !ok {
			seen[it.ProductID] = struct{}{}
			productIDs = append(productIDs, it.ProductID)
		}
	}
	q, args, err = sqlx.In("SELECT id, name, price FROM products WHERE id IN (?)", productIDs)
	if err != nil {
		return nil, err
	}
	var products []sqlxProduct
	if err := s.db.SelectContext(ctx, &products, s.db.Rebind(q), args...); err != nil {
		return nil, err
	}
	byID := make(map[int64]*sqlxProduct, len(products))
	for i := range products {
		byID[products[i].ID] = &products[i]
	}
	for _, it := range items {
		it.Product = byID[it.ProductID]
		o := &out[index[it.OrderID]]
		o.Items = append(o.Items, it)
	}
	return sqlxOrderItemsList(out), nil
}

func (s *sqlxImpl) NPlus1(ctx context.Context) (Result[[]OrderCustomer], error) {
	var orders []sqlxOrder
	if err := s.db.SelectContext(ctx, &orders, sqlxOrdersSQL); err != nil {
		return nil, err
	}
	out := make([]sqlxOrderCustomer, len(orders))
	for i, o := range orders {
		c := new(sqlxCustomer)
		if err := s.db.GetContext(ctx, c, "SELECT id, name, email FROM customers WHERE id = $1", o.CustomerID); err != nil {
			return nil, err
		}
		out[i] = sqlxOrderCustomer{o, c}
	}
	return sqlxOrderCustomers(out), nil
}

func (s *sqlxImpl) FetchPeers(context.Context) (Result[[]OrderCustomer], error) {
	return nil, ErrNotApplicable
}

type (
	sqlxOrders             []sqlxOrder
	sqlxOrderCustomers     []sqlxOrderCustomer
	sqlxCustomerOrdersList []sqlxCustomerOrders
	sqlxOrderItemsList     []sqlxOrderItems
)

func (o *sqlxOrder) norm() Order {
	return Order{o.ID, o.CustomerID, o.Status, Cents(o.Total), Micros(o.CreatedAt)}
}

func (l sqlxOrders) Normalize() []Order {
	out := make([]Order, len(l))
	for i := range l {
		out[i] = l[i].norm()
	}
	return SortOrders(out)
}

func (l sqlxOrderCustomers) Normalize() []OrderCustomer {
	out := make([]OrderCustomer, len(l))
	for i := range l {
		out[i].Order = l[i].norm()
		if c := l[i].Customer; c != nil {
			out[i].Customer = Customer{c.ID, c.Name, c.Email}
		}
	}
	return SortOrderCustomers(out)
}

func (l sqlxCustomerOrdersList) Normalize() []CustomerOrders {
	out := make([]CustomerOrders, len(l))
	for i, c := range l {
		out[i].Customer = Customer{c.ID, c.Name, c.Email}
		out[i].Orders = sqlxOrders(c.Orders).Normalize()
	}
	return SortCustomerOrders(out)
}

func (l sqlxOrderItemsList) Normalize() []OrderItems {
	out := make([]OrderItems, len(l))
	for i := range l {
		out[i].Order = l[i].norm()
		for _, it := range l[i].Items {
			var pr Product
			if it.Product != nil {
				pr = Product{it.Product.ID, it.Product.Name, Cents(it.Product.Price)}
			}
			out[i].Items = append(out[i].Items, Item{it.ID, it.OrderID, it.ProductID, it.Quantity, Cents(it.Price), pr})
		}
	}
	return SortOrderItems(out)
}
