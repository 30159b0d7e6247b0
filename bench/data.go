package bench

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// The plain shapes every implementation's result is normalized to: money in
// cents, times in UTC truncated to microseconds (PostgreSQL's precision),
// rows sorted by id, empty child lists nil.

// Order is one row of orders.
type Order struct {
	ID         int64
	CustomerID int64
	Status     string
	TotalCents int64
	CreatedAt  time.Time
}

// Customer is one row of customers.
type Customer struct {
	ID    int64
	Name  string
	Email string
}

// Product is one row of products.
type Product struct {
	ID         int64
	Name       string
	PriceCents int64
}

// Item is one row of order_items with its product.
type Item struct {
	ID         int64
	OrderID    int64
	ProductID  int64
	Quantity   int32
	PriceCents int64
	Product    Product
}

// OrderCustomer is an order with its customer (Join, NPlus1, FetchPeers).
type OrderCustomer struct {
	Order
	Customer Customer
}

// CustomerOrders is a customer with its orders (Prefetch, Prefetch100k).
type CustomerOrders struct {
	Customer
	Orders []Order
}

// OrderItems is an order with its items, each with its product (Depth2).
type OrderItems struct {
	Order
	Items []Item
}

// Cents converts a numeric(12,2) read as float64 to cents, exactly.
func Cents(f float64) int64 { return int64(math.Round(f * 100)) }

// Micros normalizes a timestamptz read by any driver.
func Micros(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// SortOrders sorts orders by id and returns them; an empty list becomes nil.
func SortOrders(s []Order) []Order {
	if len(s) == 0 {
		return nil
	}
	slices.SortFunc(s, func(a, b Order) int { return cmp.Compare(a.ID, b.ID) })
	return s
}

// SortItems sorts items by id; an empty list becomes nil.
func SortItems(s []Item) []Item {
	if len(s) == 0 {
		return nil
	}
	slices.SortFunc(s, func(a, b Item) int { return cmp.Compare(a.ID, b.ID) })
	return s
}

// SortOrderCustomers sorts by order id.
func SortOrderCustomers(s []OrderCustomer) []OrderCustomer {
	slices.SortFunc(s, func(a, b OrderCustomer) int { return cmp.Compare(a.Order.ID, b.Order.ID) })
	return s
}

// SortCustomerOrders sorts by customer id, and each customer's orders by id.
func SortCustomerOrders(s []CustomerOrders) []CustomerOrders {
	for i := range s {
		s[i].Orders = SortOrders(s[i].Orders)
	}
	slices.SortFunc(s, func(a, b CustomerOrders) int { return cmp.Compare(a.Customer.ID, b.Customer.ID) })
	return s
}

// SortOrderItems sorts by order id, and each order's items by id.
func SortOrderItems(s []OrderItems) []OrderItems {
	for i := range s {
		s[i].Items = SortItems(s[i].Items)
	}
	slices.SortFunc(s, func(a, b OrderItems) int { return cmp.Compare(a.Order.ID, b.Order.ID) })
	return s
}
