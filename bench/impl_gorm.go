package bench

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// GORM with its postgres dialector over pgx's database/sql driver:
// Joins("Customer") for the to-one join, Preload for has-many and nested
// loads, First in a loop for the N+1. Default configuration but for a
// silent logger (the default one prints every slow query).

func init() { Register("gorm", newGorm) }

type gormImpl struct {
	db, big       *gorm.DB
	sqlDB, sqlBig *sql.DB
}

func openGorm(c *Conn, d Dataset) (*gorm.DB, *sql.DB, error) {
	sqlDB, err := c.SQL(d)
	if err != nil {
		return nil, nil, err
	}
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger: logger.Discard,
	})
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	return db, sqlDB, nil
}

func newGorm(ctx context.Context, c *Conn) (Impl, error) {
	db, sqlDB, err := openGorm(c, Main)
	if err != nil {
		return nil, err
	}
	big, sqlBig, err := openGorm(c, Big)
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	return &gormImpl{db: db, big: big, sqlDB: sqlDB, sqlBig: sqlBig}, nil
}

func (g *gormImpl) Name() string { return "gorm" }

func (g *gormImpl) Close() {
	g.sqlDB.Close()
	g.sqlBig.Close()
}

type gormCustomer struct {
	ID     int64
	Name   string
	Email  string
	Orders []gormOrder `gorm:"foreignKey:CustomerID"`
}

func (gormCustomer) TableName() string { return "customers" }

type gormOrder struct {
	ID         int64
	CustomerID int64
	Status     string
	Total      float64
	CreatedAt  time.Time
	Customer   *gormCustomer
	Items      []gormItem `gorm:"foreignKey:OrderID"`
}

func (gormOrder) TableName() string { return "orders" }

type gormItem struct {
	ID        int64
	OrderID   int64
	ProductID int64
	Quantity  int32
	Price     float64
	Product   *gormProduct
}

func (gormItem) TableName() string { return "order_items" }

type gormProduct struct {
	ID    int64
	Name  string
	Price float64
}

func (gormProduct) TableName() string { return "products" }

func (g *gormImpl) ReadSlice(ctx context.Context) (Result[[]Order], error) {
	var orders []gormOrder
	err := g.db.WithContext(ctx).Order("id").Limit(Limit).Find(&orders).Error
	return gormOrders(orders), err
}

func (g *gormImpl) Join(ctx context.Context) (Result[[]OrderCustomer], error) {
	var orders []gormOrder
	err := g.db.WithContext(ctx).Joins("Customer").Order("orders.id").Limit(Limit).Find(&orders).Error
	return gormOrderCustomers(orders), err
}

func (g *gormImpl) Prefetch(ctx context.Context) (Result[[]CustomerOrders], error) {
	var customers []gormCustomer
	err := g.db.WithContext(ctx).Preload("Orders").Order("id").Find(&customers).Error
	return gormCustomers(customers), err
}

func (g *gormImpl) Prefetch100k(ctx context.Context) (Result[[]CustomerOrders], error) {
	var customers []gormCustomer
	err := g.big.WithContext(ctx).Preload("Orders").Order("id").Find(&customers).Error
	return gormCustomers(customers), err
}

func (g *gormImpl) Depth2(ctx context.Context) (Result[[]OrderItems], error) {
	var orders []gormOrder
	err := g.db.WithContext(ctx).Preload("Items.Product").Order("id").Limit(Limit).Find(&orders).Error
	return gormOrderItems(orders), err
}

func (g *gormImpl) NPlus1(ctx context.Context) (Result[[]OrderCustomer], error) {
	db := g.db.WithContext(ctx)
	var orders []gormOrder
	if err := db.Order("id").Limit(Limit).Find(&orders).Error; err != nil {
		return nil, err
	}
	for i := range orders {
		c := new(gormCustomer)
		if err := db.First(c, orders[i].CustomerID).Error; err != nil {
			return nil, err
		}
		orders[i].Customer = c
	}
	return gormOrderCustomers(orders), nil
}

func (g *gormImpl) FetchPeers(context.Context) (Result[[]OrderCustomer], error) {
	return nil, ErrNotApplicable
}

type (
	gormOrders         []gormOrder
	gormOrderCustomers []gormOrder
	gormOrderItems     []gormOrder
	gormCustomers      []gormCustomer
)

func (o *gormOrder) norm() Order {
	return Order{o.ID, o.CustomerID, o.Status, Cents(o.Total), Micros(o.CreatedAt)}
}

func (l gormOrders) Normalize() []Order {
	out := make([]Order, len(l))
	for i := range l {
		out[i] = l[i].norm()
	}
	return SortOrders(out)
}

func (l gormOrderCustomers) Normalize() []OrderCustomer {
	out := make([]OrderCustomer, len(l))
	for i := range l {
		out[i].Order = l[i].norm()
		if c := l[i].Customer; c != nil {
			out[i].Customer = Customer{c.ID, c.Name, c.Email}
		}
	}
	return SortOrderCustomers(out)
}

func (l gormOrderItems) Normalize() []OrderItems {
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

func (l gormCustomers) Normalize() []CustomerOrders {
	out := make([]CustomerOrders, len(l))
	for i, c := range l {
		out[i].Customer = Customer{c.ID, c.Name, c.Email}
		out[i].Orders = gormOrders(c.Orders).Normalize()
	}
	return SortCustomerOrders(out)
}
