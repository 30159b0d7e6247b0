package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eagerorm/eager/orm"
)

// CreateModels creates the tables the models describe (FromModels: columns,
// keys, constraints, indexes, foreign keys and the through tables of
// ManyToMany fields, with models reached through relations included) in the
// current schema of db, in one transaction: either all of them exist
// afterwards or none does. It is the schema a first makemigrations would
// write, applied in-process, with no history table: for tests, examples and
// throwaway databases. A schema that lives on is evolved with migrations.
//
// It is not idempotent on purpose: if any of the tables already exists it
// creates nothing and returns an error naming them, rather than guess
// whether an existing table matches its model.
//
//	err := migrate.CreateModels(ctx, db, Customer{}, Order{})
//
// Models are given as struct values, pointers to them or their
// reflect.Type, as FromModels takes them. Inside a transaction (a DB given to RunInTx) it
// runs in a savepoint of it.
func CreateModels(ctx context.Context, db *orm.DB, models ...any) error {
	if db == nil {
		return errors.New("migrate: CreateModels: nil *orm.DB")
	}
	if len(models) == 0 {
		return errors.New("migrate: CreateModels: no models given")
	}
	state, err := FromModels(models...)
	if err != nil {
		return fmt.Errorf("migrate: CreateModels: %w", err)
	}
	stmts, err := SQL(Diff(NewState(), state)...)
	if err != nil {
		return fmt.Errorf("migrate: CreateModels: %w", err)
	}
	var tables []string
	for _, t := range state.Tables() {
		tables = append(tables, t.Name)
	}
	return db.RunInTx(ctx, func(ctx context.Context, tx *orm.DB) error {
		if err := checkAbsent(ctx, tx, tables); err != nil {
			return err
		}
		for _, stmt := range stmts {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				head, _, _ := strings.Cut(stmt, "\n")
				return fmt.Errorf("migrate: CreateModels: %s: %w", head, err)
			}
		}
		return nil
	})
}

// checkAbsent fails, naming the schema and the tables, if any of tables is
// already a relation in the schema CREATE TABLE would create them in.
func checkAbsent(ctx context.Context, db *orm.DB, tables []string) error {
	var schema *string
	var existing []string
	err := db.QueryRow(ctx, `SELECT current_schema(), coalesce((SELECT array_agg(c.relname::text ORDER BY c.relname)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relname = ANY($1)), '{}')`, tables).Scan(&schema, &existing)
	if err != nil {
		return fmt.Errorf("migrate: CreateModels: %w", err)
	}
	if schema == nil {
		return errors.New("migrate: CreateModels: no schema to create the tables in: none of the search_path exists")
	}
	if len(existing) > 0 {
		return fmt.Errorf("migrate: CreateModels: schema %s already has a relation named %s; nothing was created "+
			"(CreateModels fills an empty schema; evolve an existing one with migrations)",
			*schema, strings.Join(existing, ", "))
	}
	return nil
}
