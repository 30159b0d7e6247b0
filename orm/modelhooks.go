package orm

import (
	"context"
	"fmt"
)

// Model hooks: interfaces a model may implement (on its pointer type) to
// run code around the writes of one object. Insert, Update, Delete,
// BulkInsert and BulkUpdate call them, once per object; QuerySet.Update and
// QuerySet.Delete do not (they write rows they never load: Django's rule),
// nor does raw SQL.
//
// A Before hook runs before anything is sent (for the bulk writes: for
// every object, before the first statement); its error aborts the write
// with nothing written. An After hook runs after the statement succeeded;
// its error is returned, but the row is already written: call the write
// inside db.RunInTx to have the error undo it. The hooks receive the
// write's ctx; statements they send through a DB of their own are theirs.
// They are distinct from QueryHook, which observes statements.

// BeforeInserter runs before the object is inserted (before auto_now and
// auto_now_add fields are set).
type BeforeInserter interface {
	BeforeInsert(ctx context.Context) error
}

// AfterInserter runs after the object is inserted, with its key and
// defaults read back.
type AfterInserter interface {
	AfterInsert(ctx context.Context) error
}

// BeforeUpdater runs before the object's row is updated.
type BeforeUpdater interface {
	BeforeUpdate(ctx context.Context) error
}

// AfterUpdater runs after the object's row is updated.
type AfterUpdater interface {
	AfterUpdate(ctx context.Context) error
}

// BeforeDeleter runs before the object's row is deleted.
type BeforeDeleter interface {
	BeforeDelete(ctx context.Context) error
}

// AfterDeleter runs after the object's row is deleted.
type AfterDeleter interface {
	AfterDelete(ctx context.Context) error
}

// hookKind names the write a model hook belongs to.
type hookKind int

const (
	hookInsert hookKind = iota
	hookUpdate
	hookDelete
)

// before runs obj's Before hook for kind, if it has one.
func beforeHook(ctx context.Context, kind hookKind, obj any) error {
	var err error
	switch kind {
	case hookInsert:
		if h, ok := obj.(BeforeInserter); ok {
			err = h.BeforeInsert(ctx)
		}
	case hookUpdate:
		if h, ok := obj.(BeforeUpdater); ok {
			err = h.BeforeUpdate(ctx)
		}
	case hookDelete:
		if h, ok := obj.(BeforeDeleter); ok {
			err = h.BeforeDelete(ctx)
		}
	}
	if err != nil {
		return fmt.Errorf("Before%s hook: %w", kind, err)
	}
	return nil
}

// afterHook runs obj's After hook for kind, if it has one.
func afterHook(ctx context.Context, kind hookKind, obj any) error {
	var err error
	switch kind {
	case hookInsert:
		if h, ok := obj.(AfterInserter); ok {
			err = h.AfterInsert(ctx)
		}
	case hookUpdate:
		if h, ok := obj.(AfterUpdater); ok {
			err = h.AfterUpdate(ctx)
		}
	case hookDelete:
		if h, ok := obj.(AfterDeleter); ok {
			err = h.AfterDelete(ctx)
		}
	}
	if err != nil {
		return fmt.Errorf("After%s hook (the row is written): %w", kind, err)
	}
	return nil
}

func (k hookKind) String() string {
	switch k {
	case hookInsert:
		return "Insert"
	case hookUpdate:
		return "Update"
	}
	return "Delete"
}

// hasHooks reports whether a model type implements any hook for kind, so
// that the bulk writes skip the per-object loops when none does.
func hasHooks[T any](kind hookKind) (before, after bool) {
	var p any = (*T)(nil)
	switch kind {
	case hookInsert:
		_, before = p.(BeforeInserter)
		_, after = p.(AfterInserter)
	case hookUpdate:
		_, before = p.(BeforeUpdater)
		_, after = p.(AfterUpdater)
	case hookDelete:
		_, before = p.(BeforeDeleter)
		_, after = p.(AfterDeleter)
	}
	return
}
