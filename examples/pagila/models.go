package main

import (
	"time"

	"github.com/eagerorm/eager/relations"
)

// The models map Pagila's schema as it is (data/pagila-schema.sql): keys
// named film_id, actor_id..., integer columns, the mpaa_rating enum, a
// text[] column, numeric money, two foreign keys from film to language and
// many-to-many links through film_actor and film_category. Columns a model
// does not need (film.fulltext, staff.password, staff.picture) are simply
// not declared.

type Language struct {
	ID         int32     `db:"language_id" orm:"pk"`
	Name       string    `db:"name" orm:"type:char(20)"` // blank-padded by PostgreSQL
	LastUpdate time.Time `db:"last_update"`
}

func (Language) TableName() string { return "language" }

type Film struct {
	ID               int32                          `db:"film_id" orm:"pk"`
	Title            string                         `db:"title"`
	Description      *string                        `db:"description"`
	ReleaseYear      *int32                         `db:"release_year" orm:"type:year"` // a domain over integer
	Language         relations.ForeignKey[Language] `db:"language_id"`
	OriginalLanguage relations.ForeignKey[Language] `db:"original_language_id" orm:"null"` // a second FK to language
	RentalDuration   int16                          `db:"rental_duration"`
	RentalRate       string                         `db:"rental_rate" orm:"type:numeric(4,2)"`
	Length           *int16                         `db:"length"`
	ReplacementCost  float64                        `db:"replacement_cost" orm:"type:numeric(5,2)"`
	Rating           *string                        `db:"rating" orm:"type:mpaa_rating"` // an enum, nullable
	SpecialFeatures  []string                       `db:"special_features"`              // text[]
	LastUpdate       time.Time                      `db:"last_update"`

	Actors     relations.ManyToMany[Actor]    `orm:"through:film_actor,from:film_id,to:actor_id"`
	Categories relations.ManyToMany[Category] `orm:"through:film_category,from:film_id,to:category_id"`
	Inventory  relations.Many[Inventory]      `orm:"reverse:Film"`
}

func (Film) TableName() string { return "film" }

type Actor struct {
	ID         int32     `db:"actor_id" orm:"pk"`
	FirstName  string    `db:"first_name"`
	LastName   string    `db:"last_name"`
	LastUpdate time.Time `db:"last_update"`

	// The same join table, declared from the other side.
	Films relations.ManyToMany[Film] `orm:"through:film_actor,from:actor_id,to:film_id"`
}

func (Actor) TableName() string { return "actor" }

type Category struct {
	ID         int32     `db:"category_id" orm:"pk"`
	Name       string    `db:"name"`
	LastUpdate time.Time `db:"last_update"`

	Films relations.ManyToMany[Film] `orm:"through:film_category,from:category_id,to:film_id"`
}

func (Category) TableName() string { return "category" }

type Country struct {
	ID         int32     `db:"country_id" orm:"pk"`
	Name       string    `db:"country"`
	LastUpdate time.Time `db:"last_update"`
}

func (Country) TableName() string { return "country" }

type City struct {
	ID         int32                         `db:"city_id" orm:"pk"`
	Name       string                        `db:"city"`
	Country    relations.ForeignKey[Country] `db:"country_id"`
	LastUpdate time.Time                     `db:"last_update"`
}

func (City) TableName() string { return "city" }

type Address struct {
	ID         int32                      `db:"address_id" orm:"pk"`
	Address    string                     `db:"address"`
	Address2   *string                    `db:"address2"`
	District   string                     `db:"district"`
	City       relations.ForeignKey[City] `db:"city_id"`
	PostalCode *string                    `db:"postal_code"`
	Phone      string                     `db:"phone"`
	LastUpdate time.Time                  `db:"last_update"`
}

func (Address) TableName() string { return "address" }

type Store struct {
	ID         int32                         `db:"store_id" orm:"pk"`
	Manager    relations.OneToOne[Staff]     `db:"manager_staff_id"` // unique: one store per manager
	Address    relations.ForeignKey[Address] `db:"address_id"`
	LastUpdate time.Time                     `db:"last_update"`
}

func (Store) TableName() string { return "store" }

type Staff struct {
	ID         int32                         `db:"staff_id" orm:"pk"`
	FirstName  string                        `db:"first_name"`
	LastName   string                        `db:"last_name"`
	Address    relations.ForeignKey[Address] `db:"address_id"`
	Email      *string                       `db:"email"`
	Store      relations.ForeignKey[Store]   `db:"store_id"`
	Active     bool                          `db:"active"`
	Username   string                        `db:"username"`
	LastUpdate time.Time                     `db:"last_update"`

	ManagedStore relations.OneToOne[Store] `orm:"reverse:Manager"` // the other side of Store.Manager
}

func (Staff) TableName() string { return "staff" }

type Customer struct {
	ID         int32                         `db:"customer_id" orm:"pk"`
	Store      relations.ForeignKey[Store]   `db:"store_id"`
	FirstName  string                        `db:"first_name"`
	LastName   string                        `db:"last_name"`
	Email      *string                       `db:"email"`
	Address    relations.ForeignKey[Address] `db:"address_id"`
	ActiveBool bool                          `db:"activebool"`
	CreateDate time.Time                     `db:"create_date" orm:"type:date"`
	LastUpdate *time.Time                    `db:"last_update"` // nullable in this table
	Active     *int32                        `db:"active"`

	Rentals relations.Many[Rental] `orm:"reverse:Customer"`
}

func (Customer) TableName() string { return "customer" }

type Inventory struct {
	ID         int32                       `db:"inventory_id" orm:"pk"`
	Film       relations.ForeignKey[Film]  `db:"film_id"`
	Store      relations.ForeignKey[Store] `db:"store_id"`
	LastUpdate time.Time                   `db:"last_update"`

	Rentals relations.Many[Rental] `orm:"reverse:Inventory"`
}

func (Inventory) TableName() string { return "inventory" }

type Rental struct {
	ID         int32                           `db:"rental_id" orm:"pk"`
	RentalDate time.Time                       `db:"rental_date"`
	Inventory  relations.ForeignKey[Inventory] `db:"inventory_id"`
	Customer   relations.ForeignKey[Customer]  `db:"customer_id"`
	ReturnDate *time.Time                      `db:"return_date"` // NULL while the film is out
	Staff      relations.ForeignKey[Staff]     `db:"staff_id"`
	LastUpdate time.Time                       `db:"last_update"`
}

func (Rental) TableName() string { return "rental" }
