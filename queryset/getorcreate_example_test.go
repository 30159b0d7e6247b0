package queryset_test

import (
	"context"
	"fmt"

	. "github.com/eagerorm/eager/internal/testdomain"
	"github.com/eagerorm/eager/queryset"
)

func ExampleQuerySet_GetOrCreate() {
	ctx := context.Background()
	db, done := exampleDB("example_get_or_create")
	defer done()

	tags := queryset.New[Tag](db)
	for _, id := range []int64{1, 9, 9} {
		tag, created, err := tags.GetOrCreate(ctx, queryset.Q{"id": id}, map[string]any{"name": "green"})
		if err != nil {
			panic(err)
		}
		fmt.Println(tag.ID, tag.Name, created)
	}
	// Output:
	// 1 red false
	// 9 green true
	// 9 green false
}

func ExampleQuerySet_UpdateOrCreate() {
	ctx := context.Background()
	db, done := exampleDB("example_update_or_create")
	defer done()

	tags := queryset.New[Tag](db)
	for _, name := range []string{"crimson", "scarlet"} {
		tag, created, err := tags.UpdateOrCreate(ctx, queryset.Q{"id": 1}, map[string]any{"name": name})
		if err != nil {
			panic(err)
		}
		fmt.Println(tag.ID, tag.Name, created)
	}
	// Output:
	// 1 crimson false
	// 1 scarlet false
}
