// Command pagila runs eager on a real schema it did not design: the Pagila
// sample database (a DVD rental store: films, actors, categories,
// customers, rentals), mapped as it is. It prints three results and the
// number of statements each took:
//
//  1. the latest rentals with customer -> address -> city -> country, in one
//     statement (SelectRelated: JOINs);
//  2. films with their actors and categories, in three statements
//     (PrefetchRelated: one per relation, keyed with = ANY($1));
//  3. the number of rentals per category, in one statement (GroupBy across
//     rental -> inventory -> film -> categories).
//
// Usage:
//
//	go run ./examples/pagila [-dsn postgres://...] [-db eager_pagila] [-reset]
//
// Without -dsn it uses the server the environment names ($EAGER_DATABASE_URL,
// $DATABASE_URL, or libpq's PG* variables); when it names none and nothing
// answers at libpq's defaults, it starts a throwaway cluster (package
// pgdev) and removes it at the end. The first run creates the database
// eager_pagila on that server (the user needs CREATEDB) and loads the
// dataset (in data/, shipped with the example under its own licence,
// data/LICENSE.txt) with pgx alone; later runs find it loaded and only
// query. -reset drops and reloads it.
//
// Pagila's schema is loaded as published (enum types, domains, triggers),
// not created from the models: the point is a schema eager did not design.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/eagerorm/eager/examples/internal/redact"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/pgdev"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	dsn := flag.String("dsn", "", "PostgreSQL server to use (default: from the environment, see the package doc)")
	dbName := flag.String("db", "eager_pagila", "database to load Pagila into and query")
	reset := flag.Bool("reset", false, "drop the database first, and load the dataset again")
	flag.Parse()
	if err := run(context.Background(), *dsn, *dbName, *reset); err != nil {
		log.SetFlags(0)
		log.Fatal("pagila: ", redact.Error(err)) // no row values in the log
	}
}

func run(ctx context.Context, dsn, dbName string, reset bool) error {
	srv, err := pgdev.Start(ctx, dsn)
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Printf("Using %s.\n", srv)

	cfg, err := pgxpool.ParseConfig(srv.DSN)
	if err != nil {
		return err
	}
	if err := createDatabase(ctx, cfg.ConnConfig, dbName, reset); err != nil {
		return err
	}
	cfg.ConnConfig.Database = dbName

	start := time.Now()
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return err
	}
	fresh, err := load(ctx, conn)
	conn.Close(ctx)
	if err != nil {
		return err
	}
	if fresh {
		fmt.Printf("Loaded the Pagila sample database into %q in %s.\n", dbName, time.Since(start).Round(time.Millisecond))
	} else {
		fmt.Printf("Pagila is already loaded in database %q (-reset reloads it).\n", dbName)
	}

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	_, err = report(ctx, os.Stdout, orm.New(pool))
	return err
}

// createDatabase creates database name on the server cfg connects to, unless
// it exists; with reset it drops it first.
func createDatabase(ctx context.Context, cfg *pgx.ConnConfig, name string, reset bool) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	ident := pgx.Identifier{name}.Sanitize()
	if reset {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			return err
		}
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+ident)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created meanwhile by another run
		return nil
	}
	return err
}
