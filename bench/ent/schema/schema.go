// Package schema declares the benchmark tables for ent's code generator.
// ent never creates them (bench/seed.go does): the annotations only map the
// existing tables and columns.
package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

var money = map[string]string{dialect.Postgres: "numeric(12,2)"}

// Customer is a row of customers.
type Customer struct{ ent.Schema }

// Annotations maps the table.
func (Customer) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Annotation{Table: "customers"}}
}

// Fields of Customer.
func (Customer) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("id"),
		field.String("name"),
		field.String("email").Unique(),
	}
}

// Edges of Customer.
func (Customer) Edges() []ent.Edge {
	return []ent.Edge{edge.To("orders", Order.Type)}
}

// Order is a row of orders.
type Order struct{ ent.Schema }

// Annotations maps the table.
func (Order) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Annotation{Table: "orders"}}
}

// Fields of Order.
func (Order) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("id"),
		field.Int64("customer_id"),
		field.String("status"),
		field.Float("total").SchemaType(money),
		field.Time("created_at"),
	}
}

// Edges of Order.
func (Order) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("orders").Field("customer_id").Unique().Required(),
		edge.To("items", OrderItem.Type),
	}
}

// OrderItem is a row of order_items.
type OrderItem struct{ ent.Schema }

// Annotations maps the table.
func (OrderItem) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Annotation{Table: "order_items"}}
}

// Fields of OrderItem.
func (OrderItem) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("id"),
		field.Int64("order_id"),
		field.Int64("product_id"),
		field.Int32("quantity"),
		field.Float("price").SchemaType(money),
	}
}

// Edges of OrderItem.
func (OrderItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("order", Order.Type).Ref("items").Field("order_id").Unique().Required(),
		edge.From("product", Product.Type).Ref("items").Field("product_id").Unique().Required(),
	}
}

// Product is a row of products.
type Product struct{ ent.Schema }

// Annotations maps the table.
func (Product) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Annotation{Table: "products"}}
}

// Fields of Product.
func (Product) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("id"),
		field.String("name"),
		field.Float("price").SchemaType(money),
	}
}

// Edges of Product.
func (Product) Edges() []ent.Edge {
	return []ent.Edge{edge.To("items", OrderItem.Type)}
}
