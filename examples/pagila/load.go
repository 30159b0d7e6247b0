package main

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The Pagila sample database (https://github.com/devrimgunduz/pagila, see
// data/LICENSE.txt), as published: the schema as is, the data gzipped.
var (
	//go:embed data/pagila-schema.sql
	schemaSQL string
	//go:embed data/pagila-data.sql.gz
	dataGz []byte
)

// marker is the table the loader creates last, in the same transaction as
// everything else: its presence means the dataset is complete.
const marker = "eager_pagila_loaded"

// loaded reports whether the dataset is in the schema conn works in (the
// first one on its search_path).
func loaded(ctx context.Context, conn *pgx.Conn) (bool, error) {
	var ok bool
	err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", marker).Scan(&ok)
	return ok, err
}

// load creates Pagila's schema and copies its data into the current schema
// (current_schema(): public for the example's own database, a test's schema
// in the tests), in one transaction, so that it is either complete or
// absent. It returns false when the data was already there. Only pgx is
// used: the schema goes through the simple protocol, each COPY block of the
// dump streams through CopyFrom.
func load(ctx context.Context, conn *pgx.Conn) (bool, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx)
	var schema string
	// One loader at a time per database; the second finds the marker.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('eager_pagila'))"); err != nil {
		return false, err
	}
	if err := tx.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return false, fmt.Errorf("no schema to load into (check search_path): %w", err)
	}
	if ok, err := loaded(ctx, conn); err != nil || ok {
		return false, err
	}
	var clash bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass('film') IS NOT NULL").Scan(&clash); err != nil {
		return false, err
	}
	if clash {
		return false, fmt.Errorf("schema %q already has a film table that this example did not load (use -reset to recreate the database)", schema)
	}

	pg := conn.PgConn()
	qualifier := pgx.Identifier{schema}.Sanitize() + "."
	if err := pg.Exec(ctx, adaptDump(schemaSQL, qualifier)).Close(); err != nil {
		return false, fmt.Errorf("pagila schema: %w", err)
	}

	zr, err := gzip.NewReader(bytes.NewReader(dataGz))
	if err != nil {
		return false, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return false, fmt.Errorf("pagila data: %w", err)
	}
	if err := copyDump(ctx, pg, data, qualifier); err != nil {
		return false, fmt.Errorf("pagila data: %w", err)
	}
	if _, err := tx.Exec(ctx, "CREATE TABLE "+marker+" AS SELECT now() AS loaded_at"); err != nil {
		return false, err
	}
	return true, tx.Commit(ctx)
}

// skipped are the dump's statements that do not apply when loading into a
// schema of a database we did not create as postgres: ownership (the loading
// user owns what it creates), the public schema's own ACL and owner, and
// the empty search_path pg_dump sets (its qualifiers are rewritten instead).
var skipped = regexp.MustCompile(`(?m)^(ALTER .* OWNER TO .*;|REVOKE .* ON SCHEMA public .*;|GRANT .* ON SCHEMA public .*;|COMMENT ON SCHEMA public .*;|SELECT pg_catalog\.set_config\('search_path'.*;)$`)

// qualified matches the dump's "public." qualifiers wherever they stand
// (public.film, 'G'::public.mpaa_rating, 'public.film_film_id_seq'::regclass),
// but not inside another word.
var qualified = regexp.MustCompile(`(^|[^\w$."])public\.`)

// adaptDump drops the statements that do not apply and points the public.
// qualifiers at the target schema (qualifier is its quoted name and a dot).
func adaptDump(sql, qualifier string) string {
	sql = skipped.ReplaceAllString(sql, "")
	return qualified.ReplaceAllString(sql, "${1}"+strings.ReplaceAll(qualifier, "$", "$$"))
}

// copyDump runs a pg_dump data file: each "COPY ... FROM stdin;" block
// streams its rows (up to the "\." line) through the COPY protocol; the
// statements between blocks (SET, setval) run as they are.
func copyDump(ctx context.Context, pg *pgconn.PgConn, data []byte, qualifier string) error {
	var stmts strings.Builder
	flush := func() error {
		if strings.TrimSpace(stmts.String()) == "" {
			return nil
		}
		err := pg.Exec(ctx, adaptDump(stmts.String(), qualifier)).Close()
		stmts.Reset()
		return err
	}
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		text := string(line)
		if !strings.HasPrefix(text, "COPY ") || !strings.HasSuffix(text, " FROM stdin;") {
			if !strings.HasPrefix(text, "--") {
				stmts.WriteString(text)
				stmts.WriteByte('\n')
			}
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		var rows []byte
		if bytes.HasPrefix(data, []byte("\\.\n")) { // no rows
			data = data[len("\\.\n"):]
		} else if end := bytes.Index(data, []byte("\n\\.\n")); end >= 0 {
			rows, data = data[:end+1], data[end+len("\n\\.\n"):]
		} else {
			return errors.New("unterminated COPY block: " + text)
		}
		copySQL := adaptDump(strings.TrimSuffix(text, ";"), qualifier)
		if _, err := pg.CopyFrom(ctx, bytes.NewReader(rows), copySQL); err != nil {
			return fmt.Errorf("%s: %w", copySQL, err)
		}
	}
	return flush()
}
