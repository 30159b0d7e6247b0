package orm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
)

// BulkUpdate writes the named fields of every object to its row, found by
// primary key, each row getting its own object's values, and returns how
// many rows were updated (objects whose key matches no row are not counted;
// compare with len(objs) to notice them). It sends one statement per
// 65,535 parameters, (fields + 1) per object:
//
//	UPDATE "orders" SET "status" = "v"."status", "total" = "v"."total"
//	FROM (VALUES ($1::bigint, $2::text, $3::double precision), ($4, $5, $6)) AS "v" ("id", "status", "total")
//	WHERE "orders"."id" = "v"."id"
//
// The first row's casts (the columns' types) type every row, so NULLs and
// values pgx sends as text arrive as the column's type. Several statements
// run in one transaction (a savepoint inside an existing one). auto_now
// fields are set and written whether named or not; BeforeUpdate hooks run
// for every object before the first statement, AfterUpdate hooks after the
// last. The same key twice is an error (one UPDATE would write one of them,
// which is a silent loss), as are an unknown field, the primary key and a
// relation without a column of this table.
func BulkUpdate[T any](ctx context.Context, db *DB, objs []*T, fields ...string) (int64, error) {
	m, err := schema.For[T]()
	if err != nil {
		return 0, err
	}
	fail := func(err error) (int64, error) { return 0, fmt.Errorf("orm: bulk update %s: %w", m.Name, err) }
	if db == nil {
		return fail(ErrNilDB)
	}
	if len(fields) == 0 {
		return fail(errors.New("name the fields to write (BulkUpdate(ctx, db, objs, \"status\", \"total\"))"))
	}
	targets, err := updateFields(m, fields)
	if err != nil {
		return fail(err)
	}
	if len(objs) == 0 {
		return 0, nil
	}
	seen := make(map[any]int, len(objs))
	for i, o := range objs {
		if o == nil {
			return fail(fmt.Errorf("objs[%d] is nil", i))
		}
		base := unsafe.Pointer(o)
		if m.PK != nil && m.PK.IsZero(base) && m.PK.Auto {
			return fail(fmt.Errorf("objs[%d] has no primary key yet (insert it first)", i))
		}
		var key any = keyDesc(m, base)
		if m.PK != nil {
			if pk := m.PK.Value(base); pk != nil && reflect.TypeOf(pk).Comparable() {
				key = pk // no formatting for the common single key
			}
		}
		if j, dup := seen[key]; dup {
			return fail(fmt.Errorf("objs[%d] and objs[%d] have the same key (%s): one UPDATE would write only one of them", j, i, keyDesc(m, base)))
		}
		seen[key] = i
		if err := checkKeys(targets, base); err != nil {
			return fail(fmt.Errorf("objs[%d]: %w", i, err))
		}
	}
	before, after := hasHooks[T](hookUpdate)
	if before {
		for i, o := range objs {
			if err := beforeHook(ctx, hookUpdate, o); err != nil {
				return fail(fmt.Errorf("objs[%d]: %w", i, err))
			}
		}
	}
	stamped := autoNowFields(m)
	rb := saveReadBack(stamped, objs)
	t := now()
	for _, o := range objs {
		stampUpdate(m, unsafe.Pointer(o), t)
	}
	cols := append(append([]*schema.Field(nil), m.Key...), targets...)
	perStmt := max(1, maxParams/len(cols))
	var total int64
	run := func(ctx context.Context, db *DB) error {
		total = 0
		for start := 0; start < len(objs); start += perStmt {
			chunk := objs[start:min(start+perStmt, len(objs))]
			sql, args, err := bulkUpdateSQL(m, cols, start, chunk)
			if err != nil {
				return fmt.Errorf("orm: bulk update %s (rows %d-%d): %w", m.Name, start, start+len(chunk)-1, err)
			}
			tag, err := db.Exec(ctx, sql, args...)
			if err != nil {
				return fmt.Errorf("orm: bulk update %s (rows %d-%d): %w", m.Name, start, start+len(chunk)-1, err)
			}
			total += tag.RowsAffected()
		}
		return nil
	}
	if len(objs) <= perStmt {
		err = run(ctx, db)
	} else {
		err = db.RunInTx(ctx, run)
	}
	if err != nil {
		restoreReadBack(rb, objs)
		return 0, err
	}
	if after {
		for i, o := range objs {
			if err := afterHook(ctx, hookUpdate, o); err != nil {
				return total, fmt.Errorf("orm: bulk update %s: objs[%d]: %w", m.Name, i, err)
			}
		}
	}
	return total, nil
}

// bulkUpdateSQL is one UPDATE ... FROM (VALUES ...) for chunk; cols is the
// key's fields (one, or a composite key's), then the fields written.
func bulkUpdateSQL[T any](m *schema.Model, cols []*schema.Field, start int, chunk []*T) (string, []any, error) {
	alias := "v"
	if m.Table == alias {
		alias = "v2"
	}
	b := sqlgen.Update(m.Table)
	for _, f := range cols[len(m.Key):] {
		b = b.Set(sqlgen.Ident(f.Column), sq.Expr(sqlgen.Col(alias, f.Column)))
	}
	// FROM and WHERE go in one suffix: squirrel's UPDATE has no FROM taking
	// arguments. The first row's casts type the VALUES columns.
	var sb strings.Builder
	sb.WriteString("FROM (VALUES ")
	args := make([]any, 0, len(chunk)*len(cols))
	for r, o := range chunk {
		if r > 0 {
			sb.WriteString(", ")
		}
		base := unsafe.Pointer(o)
		sb.WriteByte('(')
		for i, f := range cols {
			if i > 0 {
				sb.WriteString(", ")
			}
			v, err := arg(m, f, base)
			if err != nil {
				return "", nil, fmt.Errorf("objs[%d]: %w", start+r, err)
			}
			args = append(args, v)
			sb.WriteByte('?')
			if r == 0 {
				sb.WriteString("::" + f.SQLType)
			}
		}
		sb.WriteByte(')')
	}
	sb.WriteString(") AS " + sqlgen.Ident(alias) + " (")
	for i, f := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(sqlgen.Ident(f.Column))
	}
	sb.WriteString(") WHERE ")
	for i, f := range m.Key {
		if i > 0 {
			sb.WriteString(" AND ")
		}
		sb.WriteString(sqlgen.Col(m.Table, f.Column) + " = " + sqlgen.Col(alias, f.Column))
	}
	return b.SuffixExpr(sq.Expr(sb.String(), args...)).ToSql()
}
