package sqlgen_test

import (
	"context"
	"errors"
	"testing"
	"time"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestQuoteIdent(t *testing.T) {
	for name, want := range map[string]string{
		"customer": `"customer"`, "Order": `"Order"`, `a"b`: `"a""b"`, "": `""`, "nul\x00x": `"nulx"`, "a?b": `"a?b"`,
	} {
		assert.Equal(t, want, sqlgen.Quote(name), name)
	}
	assert.Equal(t, `"a??b"`, sqlgen.Ident("a?b"), "squirrel reads ?? as one literal ?")
	assert.Equal(t, `"t"."c"`, sqlgen.Col("t", "c"))
	assert.Equal(t, `"o??"."c??"`, sqlgen.Col("o?", "c?"))
	assert.Equal(t, `"orders"`, sqlgen.Table("orders", "orders"))
	assert.Equal(t, `"orders" AS "t1"`, sqlgen.Table("orders", "t1"))
}

// The statement skeletons number placeholders once, at the end, and never
// read a ? in a name as one.
func TestWriteSkeletons(t *testing.T) {
	sql, args, err := sqlgen.Insert("t?", []string{"a", "b?"}).Values(1, sqlgen.Default).Values(2, 3).
		Suffix(sqlgen.D.Returning([]string{sqlgen.Ident("id?")})).ToSql()
	require.NoError(t, err)
	assert.Equal(t, `INSERT INTO "t?" ("a","b?") VALUES ($1,DEFAULT),($2,$3) RETURNING "id?"`, sql)
	assert.Equal(t, []any{1, 2, 3}, args)

	id := [16]byte{1}
	sql, args, err = sqlgen.Update("t").Set(sqlgen.Ident("a"), "x").Where(sqlgen.Equals("id", id)).ToSql()
	require.NoError(t, err)
	assert.Equal(t, `UPDATE "t" SET "a" = $1 WHERE "id" = $2`, sql, "a [16]byte key is one value, not an IN list")
	assert.Equal(t, []any{"x", id}, args)

	sql, _, err = sqlgen.Delete("t").Where(sqlgen.Equals("id", 1)).ToSql()
	require.NoError(t, err)
	assert.Equal(t, `DELETE FROM "t" WHERE "id" = $1`, sql)

	assert.Error(t, sqlgen.CheckValue(sq.Expr("now()")))
	assert.NoError(t, sqlgen.CheckValue("now()"))
}

// Names that need quoting survive a round trip through the server: created
// with Quote (as DDL writes them), written and read with the skeletons.
func TestQuotedNamesOnTheServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := pgtest.New(t)
	table, cols := `We"ird?`, []string{"select", "a b", `q"?`, "Mixed"}
	ddl := "CREATE TABLE " + sqlgen.Quote(table) + " (id serial PRIMARY KEY"
	for _, c := range cols {
		ddl += ", " + sqlgen.Quote(c) + " text"
	}
	_, err := db.Pool.Exec(ctx, ddl+")")
	require.NoError(t, err)

	sql, args, err := sqlgen.Insert(table, cols).Values("s", "ab", "q", "m").
		Suffix(sqlgen.D.Returning([]string{sqlgen.Ident("id")})).ToSql()
	require.NoError(t, err)
	var id int
	require.NoError(t, db.Pool.QueryRow(ctx, sql, args...).Scan(&id))

	sql, args, err = sqlgen.Builder.Select(sqlgen.Idents(cols)...).From(sqlgen.Table(table, "x?")).
		Where(sqlgen.D.InArray(sqlgen.Col("x?", "id")), []int{id}).ToSql()
	require.NoError(t, err)
	got := make([]string, len(cols))
	dest := make([]any, len(cols))
	for i := range got {
		dest[i] = &got[i]
	}
	require.NoError(t, db.Pool.QueryRow(ctx, sql, args...).Scan(dest...))
	assert.Equal(t, []string{"s", "ab", "q", "m"}, got)
}

// Bare leaves unquoted exactly what the server's quote_ident() leaves
// unquoted, for every keyword the server knows and a few other names; but
// for a $ after the first character, which quote_ident quotes and the
// server reads bare all the same (migrate has always written it bare).
func TestBareMatchesQuoteIdent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := pgtest.New(t)
	rows, err := db.Pool.Query(ctx, `SELECT n, quote_ident(n) = n FROM (SELECT word FROM pg_get_keywords()
		UNION ALL SELECT unnest($1::text[])) k(n)`,
		[]string{"customer", "Customer", "a b", "_x", "x1", "1x", "x$", "$x", "été", "", "a\"b"})
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var name string
		var bare bool
		require.NoError(t, rows.Scan(&name, &bare))
		if name == "x$" {
			bare = true
		}
		assert.Equal(t, bare, sqlgen.D.Bare(name), "%q", name)
		n++
	}
	require.NoError(t, rows.Err())
	assert.Greater(t, n, 400)
}

// The SQLSTATEs the dialect maps are the ones the server raises.
func TestViolationCodes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := pgtest.New(t)
	_, err := db.Pool.Exec(ctx, `CREATE TABLE p (id int PRIMARY KEY);
		CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p, n int NOT NULL CHECK (n > 0))`)
	require.NoError(t, err)
	for stmt, want := range map[string]sqlgen.Violation{
		"INSERT INTO p VALUES (1), (1)":        sqlgen.UniqueViolation,
		"INSERT INTO c VALUES (1, 9, 1)":       sqlgen.ForeignKeyViolation,
		"INSERT INTO c VALUES (1, NULL, 0)":    sqlgen.CheckViolation,
		"INSERT INTO c VALUES (1, NULL, NULL)": sqlgen.NotNullViolation,
		"SELECT 1/0":                           sqlgen.NoViolation,
	} {
		_, err := db.Pool.Exec(ctx, stmt)
		var pg *pgconn.PgError
		require.True(t, errors.As(err, &pg), stmt)
		assert.Equal(t, want, sqlgen.D.Violation(pg.Code), stmt)
	}
}
