package load

import (
	"context"
	"unsafe"

	"github.com/eagerorm/eager/internal/schema"
)

// Written binds a row a write stored (orm.Insert), as a row read through a
// DB is bound: its relations then load, and write (Add, Create, ...),
// through the DB that wrote it, in its transaction if it has one. db is
// the *orm.DB.
//
// Package orm calls it but cannot set it: the engine's view of a DB and
// the default query of a lazy load come from package queryset, above orm,
// which sets it when it is linked in (as database/sql drivers register
// themselves). Until then it is nil and a written row stays unbound.
var Written func(ctx context.Context, db any, m *schema.Model, row unsafe.Pointer)
