package relations_test

import (
	"context"
	"fmt"

	"github.com/eagerorm/eager/internal/pgtest"
	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
)

// exampleDB is the test domain, seeded, on a fresh schema.
func exampleDB(name string) (*orm.DB, func()) {
	tdb, drop, err := pgtest.NewSchema(name)
	if err != nil {
		panic(err)
	}
	if _, err := tdb.Pool.Exec(context.Background(), SchemaDDL+SeedSQL); err != nil {
		panic(err)
	}
	return orm.New(tdb.Pool), drop
}

func ExampleManyToMany_Add() {
	ctx := context.Background()
	db, done := exampleDB("example_m2m_add")
	defer done()

	gamma, err := queryset.New[Book](db).Get(ctx, queryset.Q{"title": "Gamma 50%_"})
	if err != nil {
		panic(err)
	}
	tags, err := queryset.New[Tag](db).OrderBy("id").All(ctx)
	if err != nil {
		panic(err)
	}
	// One INSERT for both links; adding one again is not an error.
	if err := gamma.Tags.Add(ctx, tags[0], tags[1]); err != nil {
		panic(err)
	}
	if err := gamma.Tags.Add(ctx, tags[0]); err != nil {
		panic(err)
	}
	linked, _ := gamma.Tags.All(ctx) // read again: a write unloads the list
	fmt.Println(len(linked))

	// Set replaces them all, in one statement.
	if err := gamma.Tags.Set(ctx, tags[2]); err != nil {
		panic(err)
	}
	linked, _ = gamma.Tags.All(ctx)
	fmt.Println(linked[0].Name)
	// Output:
	// 2
	// unused
}

func ExampleMany_Create() {
	ctx := context.Background()
	db, done := exampleDB("example_many_create")
	defer done()

	cy, err := queryset.New[Author](db).Get(ctx, queryset.Q{"name": "Cy"})
	if err != nil {
		panic(err)
	}
	// Sets the book's author to Cy and inserts it.
	b, err := cy.Books.Create(ctx, &Book{ID: 10, Title: "Eta", Price: "5.00", Genre: "essay"})
	if err != nil {
		panic(err)
	}
	fmt.Println(b.Author.ID())

	// Books.Remove would leave a book without its NOT NULL author: refused.
	fmt.Println(cy.Books.Remove(ctx, b) != nil)
	// Output:
	// 3
	// true
}
