package load

import (
	"context"
	"unsafe"

	"github.com/eagerorm/eager/internal/relfield"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/jackc/pgx/v5"
)

// Query is what a batched load needs from a queryset: the statement that
// selects its rows among those linked to a set of keys. An unexported type
// of package queryset implements it (this package never imports queryset),
// which is how a Prefetch's Filter, OrderBy, SelectRelated and per-parent
// Limit apply inside the prefetch statement.
type Query interface {
	// QueryModel is the model of the rows the query returns.
	QueryModel() *schema.Model
	// LinkedSQL compiles the query restricted to rows linked through rel (a
	// relation of the parent model, pointing at QueryModel) to keys, one array
	// parameter. For a many-to-many, the statement's first column is the join
	// table's source column (each row's link key), which scan returns in
	// links; other relations find the key in the row itself (its primary
	// key, or its foreign key back) and scan returns no links.
	// lc describes the load, for the rows' own result sets.
	LinkedSQL(rel *schema.Relation, keys any, lc LinkContext) (sql string, args []any, scan ScanFunc, err error)
	// Lookups are the query's own PrefetchRelated, loaded below its rows.
	Lookups() []Lookup
	// LoadMode is the mode the query sets for its rows, if it sets one.
	LoadMode() (Mode, bool)
}

// LinkContext is what a linked query's rows inherit: the database to load
// their own relations with, the load mode, and their path from the root
// QuerySet (for strict-mode messages).
type LinkContext struct {
	Ctx       context.Context // the load's context (its capture sees nested eager loads)
	DB        DB
	Mode      Mode
	Path      string
	PathMulti bool
	Root      string
}

// ScanFunc reads the rows of a LinkedSQL statement: each row (a pointer to
// a new struct of the query's model) and, for a many-to-many, its link key.
type ScanFunc func(rows pgx.Rows) (objs []unsafe.Pointer, links []Key, err error)

// Loader supplies the query for a relation loaded without a custom one
// (a plain PrefetchRelated name, a lazy access, FetchPeers).
type Loader interface {
	DefaultQuery(m *schema.Model) Query
}

// Lookup is one argument of PrefetchRelated: a path of relation names
// ("orders__items__product") and, for its last relation, an optional custom
// query (nil: the default).
type Lookup struct {
	Path  string
	Query Query
}

// Key is a link key scanned from a statement's first column. Integer keys
// stay unboxed.
type Key struct{ key relfield.Key }

// Value returns the key as a statement argument (nil for NULL).
func (k *Key) Value() any { return k.key.Arg() }

// Scanner returns a scan target that reads a link key into k as the type of
// pk, the primary key the link column holds: a many-to-many statement's
// first column, which under pgx's text-format exec modes arrives as text.
func (k *Key) Scanner(pk *schema.Field) any { return relfield.Scanner(&k.key, schema.KeyType(pk.Kind)) }
