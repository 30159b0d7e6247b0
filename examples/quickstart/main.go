// Command quickstart is eager's smallest complete program: it opens a
// database, creates a table from a model, inserts rows and reads them back.
//
//	go run ./examples/quickstart [-dsn postgres://...]
//
// Without -dsn it connects to $EAGER_DATABASE_URL, else $DATABASE_URL,
// else the server libpq's PG* variables name (an empty DSN: pgx reads
// PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD with libpq's defaults).
// Its table lives in the schema eager_quickstart, recreated on every run.
// It uses eager's public packages only: copy it into a module of your own.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/queryset"
	"github.com/jackc/pgx/v5/pgxpool"
)

type Customer struct {
	ID        int64     `db:"id" orm:"pk"`
	Name      string    `db:"name"`
	Email     string    `db:"email" orm:"unique"`
	CreatedAt time.Time `db:"created_at" orm:"default:now()"`
}

const schema = "eager_quickstart"

func main() {
	dsn := flag.String("dsn", "", "PostgreSQL connection string (default: $EAGER_DATABASE_URL, $DATABASE_URL, or the PG* variables)")
	flag.Parse()
	log.SetFlags(0)
	if err := run(context.Background(), *dsn, os.Stdout); err != nil {
		log.Fatal("quickstart: ", err)
	}
}

func run(ctx context.Context, dsn string, w io.Writer) error {
	if dsn == "" {
		dsn = os.Getenv("EAGER_DATABASE_URL")
	}
	if dsn == "" {
		dsn = os.Getenv("DATABASE_URL") // still "": pgx reads the PG* variables
	}
	// Every connection of the pool works in the example's own schema.
	db, err := orm.Open(ctx, dsn, orm.WithPoolConfig(func(pc *pgxpool.Config) {
		pc.ConnConfig.RuntimeParams["search_path"] = schema
	}))
	if err != nil {
		return fmt.Errorf("%w\n(set -dsn or $DATABASE_URL; go run ./examples/nplusone starts a throwaway server when none is set)", err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema); err != nil {
		return err
	}
	return demo(ctx, db, w)
}

func demo(ctx context.Context, db *orm.DB, w io.Writer) error {
	// The table, from the model: what a first migration would create.
	if err := migrate.CreateModels(ctx, db, Customer{}); err != nil {
		return err
	}

	ann := &Customer{Name: "Ann", Email: "ann@example.com"}
	if err := orm.Insert(ctx, db, ann); err != nil {
		return err
	}
	fmt.Fprintf(w, "inserted %s with id %d (created_at filled by the database)\n", ann.Name, ann.ID)

	more := []*Customer{{Name: "Bo", Email: "bo@example.com"}, {Name: "Cy", Email: "cy@example.com"}}
	if err := orm.BulkInsert(ctx, db, more); err != nil {
		return err
	}

	// The unique constraint refuses a second customer with Ann's email.
	// errors.Is says which kind of violation; the constraint's name says
	// which rule. Log those, not the error's text: PostgreSQL quotes the
	// row's values in it ("Key (email)=(ann@example.com) already exists").
	err := orm.Insert(ctx, db, &Customer{Name: "Ann again", Email: "ann@example.com"})
	var violation *orm.ConstraintError
	if !errors.Is(err, orm.ErrUniqueViolation) || !errors.As(err, &violation) {
		return fmt.Errorf("a duplicate email: want a unique violation, got %v", err)
	}
	fmt.Fprintf(w, "a second customer with Ann's email: refused by %s\n", violation.Constraint)

	customers, err := queryset.New[Customer](db).OrderBy("id").All(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "customers:")
	for _, c := range customers {
		fmt.Fprintf(w, "  %d  %-3s  %s\n", c.ID, c.Name, c.Email)
	}
	return nil
}
