package queryset

import (
	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/schema"
)

// linked is a query as the engine's loads see it (load.Query): a Prefetch
// queryset, or a model's default one. A type of its own, so that the
// methods it needs stay out of QuerySet's method set.
type linked query

// defaultLoader gives the engine the query for a relation loaded without a
// custom queryset: every row of the target model.
var defaultLoader load.Loader = loader{}

type loader struct{}

func (loader) DefaultQuery(m *schema.Model) load.Query {
	return &linked{model: m, limit: -1, compiled: &compiledCache{}}
}

// QueryModel implements load.Query.
func (l *linked) QueryModel() *schema.Model { return l.model }

// Lookups implements load.Query: the QuerySet's own PrefetchRelated.
func (l *linked) Lookups() []load.Lookup { return l.prefetch }

// LoadMode implements load.Query: the mode set by WithLoadMode.
func (l *linked) LoadMode() (load.Mode, bool) { return load.Mode(l.mode), l.hasMode }

// LinkedSQL implements load.Query (see query.linkedSQL).
func (l *linked) LinkedSQL(rel *schema.Relation, keys any, lc load.LinkContext) (string, []any, load.ScanFunc, error) {
	return (*query)(l).linkedSQL(rel, keys, lc)
}
