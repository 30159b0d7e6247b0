// Command migrations is the migrations program of a small shop, the way an
// application using eager lays it out: the models live in their own package
// (shop), and this directory holds a five-line main plus the migration files
// makemigrations writes next to it.
//
//	go run ./examples/migrations makemigrations   # after changing shop's models
//	go run ./examples/migrations sqlmigrate 0002  # review the SQL
//	go run ./examples/migrations migrate          # apply (-dsn, else $EAGER_DATABASE_URL, $DATABASE_URL, PG*)
//	go run ./examples/migrations status
//	go run ./examples/migrations rollback 0001
//
// docs/migrations.md walks through a whole session with it.
package main

import (
	"github.com/eagerorm/eager/examples/migrations/shop"
	"github.com/eagerorm/eager/migrate"
)

func main() { migrate.Main(migrate.Models(shop.Models...)) }
