package relations

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// The writes of a Many (reverse foreign key) set or clear the foreign key
// of the related rows, one statement each. As in Django, Add takes saved
// rows only (create new ones with Create), and Remove and Clear exist only
// where the foreign key may be NULL: on a NOT NULL one they return an
// error and send nothing (delete the rows instead).

// Add points the foreign key of children (saved rows of T) at the row, in
// one UPDATE, and sets it in each child in memory:
//
//	UPDATE "book" SET "author_id" = $1 WHERE "id" = ANY($2)
//
// A child whose row does not exist is an error (the others were updated).
// Add of no rows sends nothing. The loaded list, if any, is marked not
// loaded: All reads it again.
func (r *Many[T]) Add(ctx context.Context, children ...*T) error {
	w, err := newWriter[T]("Add", "Many", &r.state, unsafe.Pointer(r))
	if err != nil {
		return err
	}
	objs := ptrs(children)
	keys, n, err := w.relatedKeys(objs)
	if err != nil || n == 0 {
		return err
	}
	fk, pk := w.rel.Remote, w.rel.Target.PK
	got, err := w.exec(ctx, squirrel.Update(sqlgen.Ident(w.rel.Target.Table)).Set(sqlgen.Ident(fk.Column), w.key).
		Where(sqlgen.D.InArray(sqlgen.Ident(pk.Column)), keys))
	if err != nil {
		return err
	}
	w.done(nil)
	for _, c := range objs {
		w.pointAt(c, w.row)
	}
	if got != int64(n) {
		return fmt.Errorf("relations: %s.Add: %d of the %d %s rows given were not found (deleted?); the others now point at this %s: %w",
			w.name, int64(n)-got, n, w.rel.Target.Name, w.f.Model.Name, orm.ErrNoRows)
	}
	return nil
}

// Create sets child's foreign key to the row and inserts it (orm.Insert),
// returning it: one INSERT. On error child is left as it was.
func (r *Many[T]) Create(ctx context.Context, child *T) (*T, error) {
	w, err := newWriter[T]("Create", "Many", &r.state, unsafe.Pointer(r))
	if err != nil {
		return nil, err
	}
	if child == nil {
		return nil, fmt.Errorf("relations: %s.Create: nil *%s", w.name, w.rel.Target.Name)
	}
	c := unsafe.Pointer(child)
	fk := relfield.ToOneAt(unsafe.Add(c, w.rel.Remote.Offset))
	before := *fk
	w.pointAt(c, w.row)
	if err := orm.Insert(ctx, w.db, child); err != nil {
		*fk = before
		return nil, w.fail(err)
	}
	w.done(nil)
	return child, nil
}

// Remove sets the foreign key of children to NULL, in one UPDATE, and in
// each child in memory; the rows stay. Each child must point at this row
// (in memory, checked before anything is sent, and in the database).
//
//	UPDATE "author" SET "mentor_id" = NULL WHERE "mentor_id" = $1 AND "id" = ANY($2)
//
// On a NOT NULL foreign key it returns an error and sends nothing.
func (r *Many[T]) Remove(ctx context.Context, children ...*T) error {
	w, err := r.nullableWriter("Remove")
	if err != nil {
		return err
	}
	objs := ptrs(children)
	keys, n, err := w.relatedKeys(objs)
	if err != nil || n == 0 {
		return err
	}
	fk := w.rel.Remote
	for i, c := range objs {
		if k := &relfield.ToOneAt(unsafe.Add(c, fk.Offset)).Key; !k.Same(&w.pkey) {
			return fmt.Errorf("relations: %s.Remove: argument %d, %s %v, is not related to this %s (its %s is %v, not %v)",
				w.name, i+1, w.rel.Target.Name, keyArg(w.rel.Target.PK, c), w.f.Model.Name, fk.Name, k.Arg(), w.key)
		}
	}
	got, err := w.exec(ctx, squirrel.Update(sqlgen.Ident(w.rel.Target.Table)).Set(sqlgen.Ident(fk.Column), nil).
		Where(sqlgen.Ident(fk.Column)+" = ?", w.key).
		Where(sqlgen.D.InArray(sqlgen.Ident(w.rel.Target.PK.Column)), keys))
	if err != nil {
		return err
	}
	w.done(nil)
	for _, c := range objs {
		w.pointAt(c, nil)
	}
	if got != int64(n) {
		return fmt.Errorf("relations: %s.Remove: %d of the %d %s rows given were not linked to this %s in the database (changed or deleted since read?); the others were unlinked: %w",
			w.name, int64(n)-got, n, w.rel.Target.Name, w.f.Model.Name, orm.ErrNoRows)
	}
	return nil
}

// Clear sets the foreign key of every row pointing at the row to NULL, in
// one UPDATE; the rows stay. Loaded children get NULL in memory too.
//
//	UPDATE "author" SET "mentor_id" = NULL WHERE "mentor_id" = $1
//
// On a NOT NULL foreign key it returns an error and sends nothing.
func (r *Many[T]) Clear(ctx context.Context) error {
	w, err := r.nullableWriter("Clear")
	if err != nil {
		return err
	}
	fk := w.rel.Remote
	if _, err := w.exec(ctx, squirrel.Update(sqlgen.Ident(w.rel.Target.Table)).Set(sqlgen.Ident(fk.Column), nil).
		Where(sqlgen.Ident(fk.Column)+" = ?", w.key)); err != nil {
		return err
	}
	if r.state.Loaded() { // a list unloaded by an earlier write may be stale
		for _, c := range r.items {
			if c != nil {
				w.pointAt(unsafe.Pointer(c), nil)
			}
		}
	}
	w.done(nil)
	return nil
}

// nullableWriter is the writer of Remove and Clear, which leave the rows
// without a parent: an error, before anything is sent, when the foreign
// key cannot be NULL.
func (r *Many[T]) nullableWriter(op string) (*writer, error) {
	w, err := newWriter[T](op, "Many", &r.state, unsafe.Pointer(r))
	if err != nil {
		return nil, err
	}
	if fk := w.rel.Remote; !fk.Nullable {
		return nil, fmt.Errorf("relations: %s.%s: %s.%s (column %s) is NOT NULL, so its rows cannot be left without a %s; delete them, or reassign them with Add on another %s (a nullable foreign key is declared orm:\"null\")",
			w.name, op, w.rel.Target.Name, fk.Name, fk.Column, w.f.Model.Name, w.f.Model.Name)
	}
	return w, nil
}

// pointAt sets the foreign key of child (back at the row's model) to the
// row at parent, as ForeignKey.Set does, or to NULL for nil: what the
// database now holds.
func (w *writer) pointAt(child, parent unsafe.Pointer) {
	fk := relfield.ToOneAt(unsafe.Add(child, w.rel.Remote.Offset))
	if parent == nil {
		fk.Key, fk.Obj = relfield.Key{}, nil
	} else {
		fk.Key, fk.Obj = w.pkey, parent
	}
	fk.State.InGo = true
	fk.State.MarkLoaded()
}
