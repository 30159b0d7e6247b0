package queryset_test

import (
	"context"
	"fmt"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/queryset"
)

func ExampleRaw() {
	ctx := context.Background()
	db, done := exampleDB("example_raw")
	defer done()

	// SQL of your own (here a window function), read into Book by column
	// name; the rows load relations like any others.
	books, err := queryset.Raw[Book](db, `
		SELECT * FROM (
			SELECT book.*, rank() OVER (PARTITION BY author_id ORDER BY pages DESC) AS r FROM book
		) ranked WHERE r = 1 ORDER BY id`).
		PrefetchRelated("reviews").
		All(ctx)
	if err != nil {
		panic(err)
	}
	for _, b := range books {
		reviews, _ := b.Reviews.All(ctx) // prefetched: no query
		fmt.Println(b.Title, b.Pages, len(reviews))
	}
	// Output:
	// Beta 250 1
	// Gamma 50%_ 300 0
}
