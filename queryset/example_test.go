package queryset_test

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

func Example() {
	ctx := context.Background()
	db, done := exampleDB("example_qs")
	defer done()

	books, err := queryset.New[Book](db).
		Filter(queryset.Q{"genre": "novel", "pages__gte": 100}).
		Exclude(queryset.Q{"author__email__endswith": "@spam.example"}).
		OrderBy("-published").
		All(ctx)
	if err != nil {
		panic(err)
	}
	for _, b := range books {
		fmt.Println(b.Title, b.Pages, b.Author.ID())
	}
	// Output:
	// Gamma 50%_ 300 2
	// Alpha 100 1
}

func ExampleQuerySet_SQL() {
	db := orm.New(nil) // SQL() never touches the database
	sql, args, err := queryset.New[Book](db).
		Filter(queryset.Q{"reviews__stars__gte": 4, "reviews__body__icontains": "good"}).
		Exclude(queryset.Q{"rating": nil}).
		SQL()
	fmt.Println(sql)
	fmt.Println(args, err)
	// Output:
	// SELECT "book"."id", "book"."title", "book"."pages", "book"."rating", "book"."price", "book"."published", "book"."genre", "book"."author_id", "book"."publisher_id", "book"."translator_id" FROM "book" WHERE (EXISTS (SELECT 1 FROM "review" AS "U0" WHERE "U0"."book_id" = "book"."id" AND (UPPER("U0"."body") LIKE UPPER($1) AND "U0"."stars" >= $2)) AND NOT ("book"."rating" IS NULL))
	// [%good% 4] <nil>
}

func ExampleQuerySet_GroupBy() {
	ctx := context.Background()
	db, done := exampleDB("example_group")
	defer done()

	// Django's values("genre").annotate(count=Count("id")): one expression.
	rows, err := queryset.New[Book](db).GroupBy("genre").Annotate(queryset.Count("id").As("count")).OrderBy("genre").Values(ctx)
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Println(r["genre"], r["count"])
	}
	// Output:
	// novel 2
	// poetry 1
	// essay 1
}

func ExampleAggregate() {
	ctx := context.Background()
	db, done := exampleDB("example_aggregate")
	defer done()

	res, err := queryset.Aggregate(ctx, queryset.New[Book](db),
		queryset.Count("*"), queryset.Sum("pages"), queryset.Count("id").Filter(queryset.Q{"rating__gte": 4}).As("well_rated"))
	if err != nil {
		panic(err)
	}
	fmt.Println(res["count"], res["pages__sum"], res["well_rated"])
	// Output: 4 700 1
}

func ExampleValuesList() {
	ctx := context.Background()
	db, done := exampleDB("example_values_list")
	defer done()

	titles, err := queryset.ValuesList[string](ctx, queryset.New[Book](db).Filter(queryset.Q{"tags__name": "red"}).OrderBy("title"), "title")
	fmt.Println(titles, err)
	// Output: [Alpha Beta] <nil>
}

func ExampleQuerySet_Update() {
	ctx := context.Background()
	db, done := exampleDB("example_update")
	defer done()

	// One UPDATE: price = price * 1.1 for every novel.
	n, err := queryset.New[Book](db).Filter(queryset.Q{"genre": "novel"}).
		Update(ctx, map[string]any{"price": queryset.F("price").Mul(1.1)})
	fmt.Println(n, err)
	prices, _ := queryset.ValuesList[string](ctx, queryset.New[Book](db).Filter(queryset.Q{"genre": "novel"}).OrderBy("id"), "price")
	fmt.Println(prices)
	// Output:
	// 2 <nil>
	// [11.00 7.98]
}

func ExampleQuerySet_Get() {
	ctx := context.Background()
	db, done := exampleDB("example_get")
	defer done()

	b, err := queryset.New[Book](db).Get(ctx, queryset.Q{"title": "Beta"})
	fmt.Println(b.Title, b.Rating == nil, err)
	_, err = queryset.New[Book](db).Get(ctx, queryset.Q{"genre": "novel"})
	fmt.Println(err)
	// Output:
	// Beta true <nil>
	// queryset: Get Book: orm: multiple rows (2)
}
