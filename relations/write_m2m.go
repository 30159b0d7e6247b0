package relations

import (
	"context"
	"unsafe"

	"github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/sqlgen"
)

// The writes of a ManyToMany go to its join table, one statement each,
// whatever the number of rows: the related keys travel as one array
// parameter. They write links only; the rows linked must exist (a foreign
// key on the join table says so). A join table holding more than the two
// key columns (a through model) is written with orm.Insert instead, unless
// its other columns have defaults.

// Add links the row to objs (saved rows of T) in one INSERT into the join
// table. A link that exists already is kept, not an error and not
// duplicated, whether or not the join table has a unique key on the pair:
//
//	INSERT INTO "book_tags" ("book_id", "tag_id")
//	SELECT $1::bigint, "k"."k" FROM unnest($2::bigint[]) AS "k"("k")
//	WHERE NOT EXISTS (SELECT 1 FROM "book_tags" AS "l" WHERE "l"."book_id" = $3 AND "l"."tag_id" = "k"."k")
//	ON CONFLICT DO NOTHING
//
// Add of no rows sends nothing. The loaded list, if any, is marked not
// loaded: All reads it again.
func (r *ManyToMany[T]) Add(ctx context.Context, objs ...*T) error {
	w, err := newWriter[T]("Add", "ManyToMany", &r.state, unsafe.Pointer(r))
	if err != nil {
		return err
	}
	keys, n, err := w.relatedKeys(ptrs(objs))
	if err != nil || n == 0 {
		return err
	}
	_, err = w.exec(ctx, w.insertLinks(keys))
	w.done(err)
	return err
}

// Remove unlinks the row from objs in one DELETE from the join table; the
// rows themselves stay. Links that do not exist are ignored.
//
//	DELETE FROM "book_tags" WHERE "book_id" = $1 AND "tag_id" = ANY($2)
func (r *ManyToMany[T]) Remove(ctx context.Context, objs ...*T) error {
	w, err := newWriter[T]("Remove", "ManyToMany", &r.state, unsafe.Pointer(r))
	if err != nil {
		return err
	}
	keys, n, err := w.relatedKeys(ptrs(objs))
	if err != nil || n == 0 {
		return err
	}
	in, out := w.joinColumns()
	_, err = w.exec(ctx, squirrel.Delete(w.joinTable()).Where(in+" = ?", w.key).Where(sqlgen.D.InArray(out), keys))
	w.done(err)
	return err
}

// Clear removes every link of the row in one DELETE from the join table.
//
//	DELETE FROM "book_tags" WHERE "book_id" = $1
func (r *ManyToMany[T]) Clear(ctx context.Context) error {
	w, err := newWriter[T]("Clear", "ManyToMany", &r.state, unsafe.Pointer(r))
	if err != nil {
		return err
	}
	in, _ := w.joinColumns()
	_, err = w.exec(ctx, squirrel.Delete(w.joinTable()).Where(in+" = ?", w.key))
	w.done(err)
	return err
}

// Set makes objs the row's links, as Django's set: the links to other rows
// are removed, the missing ones added, in one statement (a DELETE in a WITH
// clause, then Add's INSERT), so it is atomic without a transaction of its
// own and, in a caller's transaction, part of it. Set with no objs is
// Clear.
//
//	WITH "removed" AS (DELETE FROM "book_tags" WHERE "book_id" = $1 AND NOT ("tag_id" = ANY($2)))
//	INSERT INTO "book_tags" ("book_id", "tag_id") SELECT ... (as Add)
func (r *ManyToMany[T]) Set(ctx context.Context, objs ...*T) error {
	if len(objs) == 0 {
		return r.Clear(ctx)
	}
	w, err := newWriter[T]("Set", "ManyToMany", &r.state, unsafe.Pointer(r))
	if err != nil {
		return err
	}
	keys, _, err := w.relatedKeys(ptrs(objs))
	if err != nil {
		return err
	}
	in, out := w.joinColumns()
	del := squirrel.Delete(w.joinTable()).Where(in+" = ?", w.key).Where("NOT ("+sqlgen.D.InArray(out)+")", keys)
	_, err = w.exec(ctx, squirrel.ConcatExpr("WITH "+sqlgen.Ident("removed")+" AS (", del, ") ", w.insertLinks(keys)))
	w.done(err)
	return err
}

// joinTable is the join table of the ManyToMany, quoted.
func (w *writer) joinTable() string { return sqlgen.Ident(w.rel.Hops[0].ToTable) }

// joinColumns are the join table's key columns, quoted: in holds the
// row's key, out the related row's.
func (w *writer) joinColumns() (in, out string) {
	return sqlgen.Ident(w.rel.Hops[0].ToColumn), sqlgen.Ident(w.rel.Hops[1].FromColumn)
}

// insertLinks is the INSERT of the links from the row to keys that do not
// exist yet. NOT EXISTS keeps a join table without a unique key on the pair
// free of duplicates; ON CONFLICT DO NOTHING covers a concurrent Add of the
// same link where there is one. The row's key is cast to its column's
// type, which PostgreSQL cannot infer in a SELECT list.
func (w *writer) insertLinks(keys any) squirrel.Sqlizer {
	j := w.joinTable()
	in, out := w.joinColumns()
	k, l := sqlgen.Ident("k"), sqlgen.Ident("l")
	kk := k + "." + k
	return squirrel.Expr("INSERT INTO "+j+" ("+in+", "+out+") SELECT "+sqlgen.D.Cast("?", w.rel.From.SQLType)+", "+kk+
		" FROM "+sqlgen.D.ArrayRows(w.rel.Target.PK.SQLType, k, k)+
		" WHERE NOT EXISTS (SELECT 1 FROM "+j+" AS "+l+" WHERE "+l+"."+in+" = ? AND "+l+"."+out+" = "+kk+")"+
		" "+sqlgen.D.OnConflict(nil, "", nil), w.key, keys, w.key)
}

// done updates the loaded list after a write that reached the database.
func (w *writer) done(err error) {
	if err == nil {
		unload(relfield.ToManyAt(unsafe.Add(w.row, w.f.Offset)))
	}
}
