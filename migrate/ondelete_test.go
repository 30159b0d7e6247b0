package migrate_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/eagerorm/eager/internal/pgtest"
	"github.com/eagerorm/eager/migrate"
	"github.com/eagerorm/eager/relations"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The same post table through four versions of its foreign key's on_delete.
type odAuthor struct {
	ID   int64  `db:"id" orm:"pk"`
	Name string `db:"name"`
}

type odPostCascade struct {
	ID     int64                          `db:"id" orm:"pk"`
	Author relations.ForeignKey[odAuthor] `db:"author_id" orm:"on_delete:cascade"`
}

type odPostRestrict struct {
	ID     int64                          `db:"id" orm:"pk"`
	Author relations.ForeignKey[odAuthor] `db:"author_id" orm:"on_delete:restrict"`
}

type odPostSetNull struct {
	ID     int64                          `db:"id" orm:"pk"`
	Author relations.ForeignKey[odAuthor] `db:"author_id" orm:"null,on_delete:set_null"`
}

type odPostProtect struct {
	ID     int64                          `db:"id" orm:"pk"`
	Author relations.ForeignKey[odAuthor] `db:"author_id" orm:"null,on_delete:protect"`
}

func (odAuthor) TableName() string       { return "od_author" }
func (odPostCascade) TableName() string  { return "od_post" }
func (odPostRestrict) TableName() string { return "od_post" }
func (odPostSetNull) TableName() string  { return "od_post" }
func (odPostProtect) TableName() string  { return "od_post" }

// fkDef is the post table's foreign key as PostgreSQL's catalog has it.
func fkDef(t *testing.T, pg *pgtest.DB) string {
	t.Helper()
	var def string
	err := pg.Pool.QueryRow(context.Background(), `SELECT pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'od_post'::regclass AND contype = 'f'`).Scan(&def)
	require.NoError(t, err)
	return def
}

// deleteAuthor deletes author 1, who has post 1, and reports what became of
// the post: "gone", "kept null" or the error's SQLSTATE.
func deleteAuthor(t *testing.T, pg *pgtest.DB) string {
	t.Helper()
	ctx := context.Background()
	_, err := pg.Pool.Exec(ctx, `DELETE FROM od_post; DELETE FROM od_author;
		INSERT INTO od_author VALUES (1, 'Ann'); INSERT INTO od_post VALUES (1, 1)`)
	require.NoError(t, err)
	_, err = pg.Pool.Exec(ctx, `DELETE FROM od_author WHERE id = 1`)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	require.NoError(t, err)
	var n, nulls int
	require.NoError(t, pg.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE author_id IS NULL) FROM od_post`).Scan(&n, &nulls))
	switch {
	case n == 0:
		return "gone"
	case nulls == 1:
		return "kept null"
	}
	return "kept"
}

// TestOnDeleteMigrations: makemigrations writes on_delete into the foreign
// key's DDL; a change of on_delete is a migration (the constraint dropped
// and added again), which the catalog and a real delete then show; a
// rollback restores the previous action.
func TestOnDeleteMigrations(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.go"), "package main\n")
	pg := pgtest.New(t)
	step := func(post any) []migrate.Migration {
		t.Helper()
		code, _, _ := cli(t, []string{"makemigrations"}, migrate.Dir(dir), migrate.Models(odAuthor{}, post), migrate.Migrations(loadDir(t, dir)...))
		require.Equal(t, 0, code)
		ms := loadDir(t, dir)
		code, _, _ = cli(t, []string{"migrate", "-dsn", pg.DSN}, migrate.Migrations(ms...))
		require.Equal(t, 0, code)
		code, _, _ = cli(t, []string{"makemigrations", "--check"}, migrate.Models(odAuthor{}, post), migrate.Migrations(ms...))
		require.Equal(t, 0, code, "the models and the migrations agree")
		return ms
	}

	ms := step(odPostCascade{})
	require.Len(t, ms, 1)
	assert.Equal(t, "FOREIGN KEY (author_id) REFERENCES od_author(id) ON DELETE CASCADE", fkDef(t, pg))
	assert.Equal(t, "gone", deleteAuthor(t, pg))

	ms = step(odPostRestrict{})
	require.Len(t, ms, 2)
	assert.Equal(t, []string{
		"DropConstraint od_post_author_id_fkey on od_post",
		"AddConstraint od_post_author_id_fkey on od_post FOREIGN KEY (author_id) -> od_author",
	}, describeAll(ms[1]), "a changed on_delete drops and adds the constraint")
	assert.Equal(t, "FOREIGN KEY (author_id) REFERENCES od_author(id) ON DELETE RESTRICT", fkDef(t, pg))
	assert.Equal(t, "23503", deleteAuthor(t, pg), "restrict refuses the delete")

	ms = step(odPostSetNull{})
	require.Len(t, ms, 3)
	assert.Equal(t, "FOREIGN KEY (author_id) REFERENCES od_author(id) ON DELETE SET NULL", fkDef(t, pg))
	assert.Equal(t, "kept null", deleteAuthor(t, pg))

	ms = step(odPostProtect{})
	require.Len(t, ms, 4)
	assert.Equal(t, "FOREIGN KEY (author_id) REFERENCES od_author(id)", fkDef(t, pg), "protect is NO ACTION, the default")
	assert.Equal(t, "23503", deleteAuthor(t, pg), "protect refuses the delete")

	code, _, _ := cli(t, []string{"rollback", ms[0].Name, "-dsn", pg.DSN}, migrate.Migrations(ms...))
	require.Equal(t, 0, code)
	assert.Equal(t, "FOREIGN KEY (author_id) REFERENCES od_author(id) ON DELETE CASCADE", fkDef(t, pg), "rolled back")
}
