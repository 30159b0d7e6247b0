package queryset

import (
	"context"
	"fmt"
	"sort"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/eagerorm/eager/internal/sqlgen"
	"github.com/eagerorm/eager/orm"
)

// Update sets columns on every matching row in one UPDATE and returns how
// many rows changed. Values may be F() expressions over the row's own
// columns: Update(ctx, map[string]any{"total": F("total").Mul(1.1)}).
func (qs QuerySet[T]) Update(ctx context.Context, set map[string]any) (int64, error) {
	sql, args, empty, err := qs.updateSQL(set)
	if err != nil || empty {
		return 0, err
	}
	tag, err := qs.db.Exec(ctx, sql, args...)
	if err != nil {
		return 0, qs.wrap(err)
	}
	return tag.RowsAffected(), nil
}

func (qs query) updateSQL(set map[string]any) (string, []any, bool, error) {
	if err := qs.failure(); err != nil {
		return "", nil, false, err
	}
	if qs.sliced {
		return "", nil, false, fmt.Errorf("queryset: Update: cannot update %s after Limit or Offset", qs.model.Name)
	}
	if len(set) == 0 {
		return "", nil, false, fmt.Errorf("queryset: Update %s: nothing to set", qs.model.Name)
	}
	st, err := qs.plan(planFilters)
	if err != nil {
		return "", nil, false, err
	}
	b := sqlgen.Builder.Update(sqlgen.Table(qs.model.Table, qs.model.Table))
	// SET expressions see only the updated row: a scope of their own, with no joins.
	own := newCompiler().scope(qs.model, qs.model.Table)
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := checkValue(qs.model, set[k], qs.maxDepth()); err != nil {
			return "", nil, false, err
		}
		col, val, err := own.setValue(k, set[k])
		if err != nil {
			return "", nil, false, wrapChain(qs.model, err)
		}
		b = b.Set(col, val)
	}
	if len(own.joins) > 0 {
		return "", nil, false, fmt.Errorf("queryset: Update %s: F() in an update cannot refer to related rows", qs.model.Name)
	}
	where, err := st.rowCondition()
	if err != nil {
		return "", nil, false, err
	}
	if where != nil {
		b = b.Where(where)
	}
	sql, args, err := b.ToSql()
	return sql, args, st.where.truth == alwaysFalse, err
}

// setValue resolves one column of an Update and its new value.
func (s *scope) setValue(key string, v any) (string, any, error) {
	p, err := resolvePath(s.model, key, false)
	if err != nil {
		return "", nil, err
	}
	if len(p.hops) > 0 || p.field.Column == "" {
		return "", nil, &orm.FieldError{Model: s.model.Name, Field: key,
			Msg: "Update sets the model's own columns, not related rows"}
	}
	col := sqlgen.Ident(p.field.Column)
	if fx, ok := v.(Expr); ok {
		e, _, err := s.compileF(fx, false)
		if err != nil {
			return "", nil, err
		}
		return col, sq.Expr(e.sql, e.args...), nil
	}
	if isNilValue(v) {
		return col, nil, nil
	}
	val, err := convertValue(s.model, p, kindOf(p), v)
	return col, val, err
}

// rowCondition is the WHERE of an UPDATE or DELETE: the filters directly, or,
// when they need joins, "pk IN (SELECT pk ... joins ... WHERE ...)" as
// Django does, since UPDATE and DELETE cannot join.
func (st *stmt) rowCondition() (sq.Sqlizer, error) {
	switch {
	case st.where.truth == alwaysTrue:
		return nil, nil
	case len(st.s.joins) == 0:
		return st.where, nil
	}
	// Every column of a composite key: one of them alone would match
	// other rows too.
	key := make([]string, len(st.s.model.Key))
	for i, f := range st.s.model.Key {
		key[i] = sqlgen.Col(st.s.alias, f.Column)
	}
	sql, args, err := st.selectFrom(key...).PlaceholderFormat(sq.Question).ToSql()
	if err != nil {
		return nil, err
	}
	lhs := key[0]
	if len(key) > 1 {
		lhs = "(" + strings.Join(key, ", ") + ")"
	}
	return sq.Expr(lhs+" IN ("+sql+")", args...), nil
}

// Delete removes every matching row in one DELETE and returns how many.
// Related rows follow the foreign keys' ON DELETE rules.
func (qs QuerySet[T]) Delete(ctx context.Context) (int64, error) {
	sql, args, empty, err := qs.deleteSQL()
	if err != nil || empty {
		return 0, err
	}
	tag, err := qs.db.Exec(ctx, sql, args...)
	if err != nil {
		return 0, qs.wrap(err)
	}
	return tag.RowsAffected(), nil
}

func (qs query) deleteSQL() (string, []any, bool, error) {
	if err := qs.failure(); err != nil {
		return "", nil, false, err
	}
	if qs.sliced {
		return "", nil, false, fmt.Errorf("queryset: Delete: cannot delete %s after Limit or Offset", qs.model.Name)
	}
	st, err := qs.plan(planFilters)
	if err != nil {
		return "", nil, false, err
	}
	b := sqlgen.Builder.Delete(sqlgen.Table(qs.model.Table, qs.model.Table))
	where, err := st.rowCondition()
	if err != nil {
		return "", nil, false, err
	}
	if where != nil {
		b = b.Where(where)
	}
	sql, args, err := b.ToSql()
	return sql, args, st.where.truth == alwaysFalse, err
}
