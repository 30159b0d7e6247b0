package queryset

import (
	"reflect"
	"strconv"
	"sync"
	"unsafe"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/load"
	"github.com/eagerorm/eager/internal/scan"
	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/jackc/pgx/v5"
)

// linkedSQL is the QuerySet's statement restricted to rows linked through
// rel to keys ("<link> = ANY($1)"), the link key first.
// A Limit or Offset applies per parent: the rows are numbered per link key
// with ROW_NUMBER() OVER (PARTITION BY <link> ORDER BY <order>) and cut there.
func (q query) linkedSQL(rel *schema.Relation, keys any, lc load.LinkContext) (string, []any, load.ScanFunc, error) {
	if err := q.failure(); err != nil {
		return "", nil, nil, err
	}
	// One key (a lazy load) is sent as a scalar: link = $1, the statement
	// hand-written code sends; several as one array: link = ANY($1).
	arg, single := keys, false
	if kv := reflect.ValueOf(keys); kv.Len() == 1 {
		arg, single = kv.Index(0).Interface(), true
	}
	plain := q.plain()
	cacheKey := linkedKey{rel, single}
	if plain {
		if p, ok := linkedPlans.Load(cacheKey); ok {
			lp := p.(*linkedPlan)
			return lp.sql, []any{arg}, linkedScan(lp.sel, rel, keys, lc), nil
		}
	}
	st, err := q.plan(planRows)
	if err != nil {
		return "", nil, nil, err
	}
	// The link is walked backwards from the rows selected to the table its
	// first hop reaches, whose column holds the parent's key.
	alias := st.s.alias
	from := sqlgen.Table(q.model.Table, alias)
	hops := rel.Hops
	for i := len(hops) - 1; i > 0; i-- {
		mid := st.c.alias(hops[i].FromTable)
		from += " INNER JOIN " + sqlgen.Table(hops[i].FromTable, mid) + " ON " + sqlgen.Col(mid, hops[i].FromColumn) + " = " + sqlgen.Col(alias, hops[i].ToColumn)
		alias = mid
	}
	link := sqlgen.Col(alias, hops[0].ToColumn)
	cond := sqlgen.D.InArray(link)
	if single {
		cond = link + " = ?"
	}
	st.where = andFrags([]fragment{{sql: cond, args: []any{arg}}, st.where})
	// Rows reached in one hop carry the link key themselves (their primary
	// key, or their key column pointing back); through a join table it is
	// selected first.
	lead := 0
	if len(hops) > 1 {
		lead = 1
	}
	cols := st.columns(lead)
	if lead == 1 {
		cols = append([]string{link}, cols...)
	}

	var b sq.SelectBuilder
	if q.limit < 0 && q.offset == 0 {
		b = q.applySlice(st.selectFromTable(from, cols...), st)
	} else {
		b = perParent(st, from, link, cols, q.limit, q.offset, q.model)
	}
	sql, args, err := b.ToSql()
	if err != nil {
		return "", nil, nil, err
	}
	sel := &selection{plan: scan.Plan{Nodes: st.nodes, Lead: lead}}
	if plain {
		linkedPlans.Store(cacheKey, &linkedPlan{sql: sql, sel: sel})
	}
	return sql, args, linkedScan(sel, rel, keys, lc), nil
}

// linkedPlans caches, per relation, the statement of a plain query (no
// filter, order, SelectRelated or slice): what lazy loads, FetchPeers and
// PrefetchRelated by name send. Its text is the same every time; only the
// key array changes.
var linkedPlans sync.Map // linkedKey -> *linkedPlan

type linkedKey struct {
	rel    *schema.Relation
	single bool
}

type linkedPlan struct {
	sql string
	sel *selection
}

// plain reports whether the query is a model's default one.
func (q query) plain() bool {
	return len(q.filters) == 0 && len(q.order) == 0 && len(q.related) == 0 && q.limit < 0 && q.offset == 0 && !q.distinct
}

// linkedScan reads the rows of a linked statement over rel: each row and,
// through a join table, its link key (the parent's key, rel.From's type).
func linkedScan(sel *selection, rel *schema.Relation, keys any, lc load.LinkContext) load.ScanFunc {
	capHint := reflect.ValueOf(keys).Len() // a fair first guess of the row count
	return func(rows pgx.Rows) ([]unsafe.Pointer, []load.Key, error) {
		sc := scan.New(sel.plan, capHint, rel.From)
		objs, err := sc.Read(rows, nil, make([]unsafe.Pointer, 0, capHint))
		if err != nil {
			return nil, nil, err
		}
		sc.BindRelated(lc.Ctx, objs, load.Options{DB: lc.DB, Multi: len(objs) > 1, Mode: lc.Mode, Loader: defaultLoader,
			Path: lc.Path, PathMulti: lc.PathMulti, Root: lc.Root})
		return objs, sc.Links, nil
	}
}

// perParent numbers each parent's rows in the QuerySet's order (primary key
// when it has none) and keeps those in (offset, offset+limit].
func perParent(st *stmt, from, link string, cols []string, limit, offset int, m *schema.Model) sq.SelectBuilder {
	order := st.order
	if len(order) == 0 {
		for _, f := range m.Key { // a composite key's every column
			order = append(order, sqlgen.Col(st.s.alias, f.Column)+" ASC")
		}
	}
	inner := make([]string, 0, len(cols)+1)
	outer := make([]string, 0, len(cols))
	for i, c := range cols {
		name := sqlgen.Ident("c" + strconv.Itoa(i))
		inner = append(inner, c+" AS "+name)
		outer = append(outer, name)
	}
	over := "ROW_NUMBER() OVER (PARTITION BY " + link + " ORDER BY "
	for i, o := range order {
		if i > 0 {
			over += ", "
		}
		over += o
	}
	inner = append(inner, link+` AS "__link"`, over+`) AS "__rn"`)
	sub := st.selectFromTable(from, inner...).PlaceholderFormat(sq.Question)
	b := sqlgen.Builder.Select(outer...).FromSelect(sub, "sub")
	if offset > 0 {
		b = b.Where(`"__rn" > ?`, offset)
	}
	if limit >= 0 {
		b = b.Where(`"__rn" <= ?`, offset+limit)
	}
	return b.OrderBy(`"__link"`, `"__rn"`)
}
