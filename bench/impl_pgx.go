package bench

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Raw pgx with hand-written scans: the baseline, the practical limit. Rows
// are scanned field by field into value slices; batch loads are one
// statement per level keyed with = ANY($1) (one array parameter).

func init() { Register("pgx", newPgx) }

type pgxImpl struct {
	db, big *pgxpool.Pool
}

func newPgx(ctx context.Context, c *Conn) (Impl, error) {
	db, err := c.Pool(ctx, Main)
	if err != nil {
		return nil, err
	}
	big, err := c.Pool(ctx, Big)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &pgxImpl{db: db, big: big}, nil
}

func (p *pgxImpl) Name() string { return "pgx" }

func (p *pgxImpl) Close() {
	p.db.Close()
	p.big.Close()
}

type pgxOrder struct {
	ID         int64
	CustomerID int64
	Status     string
	Total      float64
	CreatedAt  time.Time
}

type pgxCustomer struct {
	ID    int64
	Name  string
	Email string
}

type pgxProduct struct {
	ID    int64
	Name  string
	Price float64
}

type pgxItem struct {
	ID        int64
	OrderID   int64
	ProductID int64
	Quantity  int32
	Price     float64
	Product   *pgxProduct
}

type pgxOrderCustomer struct {
	pgxOrder
	Customer *pgxCustomer
}

type pgxCustomerOrders struct {
	pgxCustomer
	Orders []pgxOrder
}

type pgxOrderItems struct {
	pgxOrder
	Items []pgxItem
}

const (
	pgxOrderCols = "id, customer_id, status, total, created_at"
	pgxOrdersSQL = "SELECT " + pgxOrderCols + " FROM orders ORDER BY id LIMIT 500"
)

func (o *pgxOrder) dest() []any {
	return []any{&o.ID, &o.CustomerID, &o.Status, &o.Total, &o.CreatedAt}
}

func pgxOrders(ctx context.Context, db *pgxpool.Pool, sql string, args ...any) ([]pgxOrder, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pgxOrder
	for rows.Next() {
		var o pgxOrder
		if err := rows.Scan(o.dest()...); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func pgxCustomers(ctx context.Context, db *pgxpool.Pool, sql string, args ...any) ([]pgxCustomer, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pgxCustomer
	for rows.Next() {
		var c pgxCustomer
		if err := rows.Scan(&c.ID, &c.Name, &c.Email); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (p *pgxImpl) ReadSlice(ctx context.Context) (Result[[]Order], error) {
	orders, err := pgxOrders(ctx, p.db, pgxOrdersSQL)
	return pgxOrderList(orders), err
}

func (p *pgxImpl) Join(ctx context.Context) (Result[[]OrderCustomer], error) {
	rows, err := p.db.Query(ctx, `SELECT o.id, o.customer_id, o.status, o.total, o.created_at, c.id, c.name, c.email
		FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id LIMIT 500`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pgxOrderCustomer
	for rows.Next() {
		var o pgxOrderCustomer
		o.Customer = new(pgxCustomer)
		if err := rows.Scan(&o.ID, &o.CustomerID, &o.Status, &o.Total, &o.CreatedAt,
			&o.Customer.ID, &o.Customer.Name, &o.Customer.Email); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return pgxOrderCustomerList(out), rows.Err()
}

func (p *pgxImpl) Prefetch(ctx context.Context) (Result[[]CustomerOrders], error) {
	return pgxPrefetch(ctx, p.db)
}

func (p *pgxImpl) Prefetch100k(ctx context.Context) (Result[[]CustomerOrders], error) {
	return pgxPrefetch(ctx, p.big)
}

func pgxPrefetch(ctx context.Context, db *pgxpool.Pool) (Result[[]CustomerOrders], error) {
	customers, err := pgxCustomers(ctx, db, "SELECT id, name, email FROM customers ORDER BY id")
	if err != nil {
		return nil, err
	}
	out := make([]pgxCustomerOrders, len(customers))
	ids := make([]int64, len(customers))
	index := make(map[int64]int, len(customers))
	for i, c := range customers {
		out[i].pgxCustomer = c
		ids[i] = c.ID
		index[c.ID] = i
	}
	rows, err := db.Query(ctx, "SELECT "+pgxOrderCols+" FROM orders WHERE customer_id = ANY($1)", ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var o pgxOrder
		if err := rows.Scan(o.dest()...); err != nil {
			return nil, err
		}
		c := &out[index[o.CustomerID]]
		c.Orders = append(c.Orders, o)
	}
	return pgxCustomerOrdersList(out), rows.Err()
}

func (p *pgxImpl) Depth2(ctx context.Context) (Result[[]OrderItems], error) {
	orders, err := pgxOrders(ctx, p.db, pgxOrdersSQL)
	if err != nil {
		return nil, err
	}
	out := make([]pgxOrderItems, len(orders))
	ids := make([]int64, len(orders))
	index := make(map[int64]int, len(orders))
	for i, o := range orders {
		out[i].pgxOrder = o
		ids[i] = o.ID
		index[o.ID] = i
	}

	rows, err := p.db.Query(ctx, "SELECT id, order_id, product_id, quantity, price FROM order_items WHERE order_id = ANY($1)", ids)
	if err != nil {
		return nil, err
	}
	var items []pgxItem
	var productIDs []int64
	seen := make(map[int64]struct{})
	for rows.Next() {
		var it pgxItem
		if err := rows.Scan(&it.ID, &it.OrderID, &it.ProductID, &it.Quantity, &it.Price); err != nil {
			rows.Close()
			return nil, err
		}
		items = append(items, it)
		if _, ok := seen[it.ProductID]; !ok {
			seen[it.ProductID] = struct{}{}
			productIDs = append(productIDs, it.ProductID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = p.db.Query(ctx, "SELECT id, name, price FROM products WHERE id = ANY($1)", productIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	products := make(map[int64]*pgxProduct, len(productIDs))
	for rows.Next() {
		pr := new(pgxProduct)
		if err := rows.Scan(&pr.ID, &pr.Name, &pr.Price); err != nil {
			return nil, err
		}
		products[pr.ID] = pr
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, it := range items {
		it.Product = products[it.ProductID]
		o := &out[index[it.OrderID]]
		o.Items = append(o.Items, it)
	}
	return pgxOrderItemsList(out), nil
}

func (p *pgxImpl) NPlus1(ctx context.Context) (Result[[]OrderCustomer], error) {
	orders, err := pgxOrders(ctx, p.db, pgxOrdersSQL)
	if err != nil {
		return nil, err
	}
	out := make([]pgxOrderCustomer, len(orders))
	for i, o := range orders {
		c := new(pgxCustomer)
		if err := p.db.QueryRow(ctx, "SELECT id, name, email FROM customers WHERE id = $1", o.CustomerID).
			Scan(&c.ID, &c.Name, &c.Email); err != nil {
			return nil, err
		}
		out[i] = pgxOrderCustomer{o, c}
	}
	return pgxOrderCustomerList(out), nil
}

// FetchPeers by hand: the orders, then every distinct customer they name in
// one = ANY($1) statement.
func (p *pgxImpl) FetchPeers(ctx context.Context) (Result[[]OrderCustomer], error) {
	orders, err := pgxOrders(ctx, p.db, pgxOrdersSQL)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(orders))
	seen := make(map[int64]*pgxCustomer, len(orders))
	for _, o := range orders {
		if _, ok := seen[o.CustomerID]; !ok {
			seen[o.CustomerID] = nil
			ids = append(ids, o.CustomerID)
		}
	}
	customers, err := pgxCustomers(ctx, p.db, "SELECT id, name, email FROM customers WHERE id = ANY($1)", ids)
	if err != nil {
		return nil, err
	}
	for i := range customers {
		seen[customers[i].ID] = &customers[i]
	}
	out := make([]pgxOrderCustomer, len(orders))
	for i, o := range orders {
		out[i] = pgxOrderCustomer{o, seen[o.CustomerID]}
	}
	return pgxOrderCustomerList(out), nil
}

// Normalization.

type (
	pgxOrderList          []pgxOrder
	pgxOrderCustomerList  []pgxOrderCustomer
	pgxCustomerOrdersList []pgxCustomerOrders
	pgxOrderItemsList     []pgxOrderItems
)

func (o pgxOrder) norm() Order {
	return Order{o.ID, o.CustomerID, o.Status, Cents(o.Total), Micros(o.CreatedAt)}
}

func (c *pgxCustomer) norm() Customer {
	if c == nil {
		return Customer{}
	}
	return Customer{c.ID, c.Name, c.Email}
}

func (l pgxOrderList) Normalize() []Order {
	out := make([]Order, len(l))
	for i, o := range l {
		out[i] = o.norm()
	}
	return SortOrders(out)
}

func (l pgxOrderCustomerList) Normalize() []OrderCustomer {
	out := make([]OrderCustomer, len(l))
	for i, o := range l {
		out[i] = OrderCustomer{o.norm(), o.Customer.norm()}
	}
	return SortOrderCustomers(out)
}

func (l pgxCustomerOrdersList) Normalize() []CustomerOrders {
	out := make([]CustomerOrders, len(l))
	for i, c := range l {
		out[i].Customer = c.pgxCustomer.norm()
		out[i].Orders = pgxOrderList(c.Orders).Normalize()
	}
	return SortCustomerOrders(out)
}

func (l pgxOrderItemsList) Normalize() []OrderItems {
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
