package queryset

import (
	"fmt"
	"strings"
	"time"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/orm"
)

// WithStatementTimeout bounds each statement this QuerySet sends (its
// SELECT, its prefetches, an Update or Delete, and the lazy loads of the
// rows it returns) by d, overriding the DB's orm.WithStatementTimeout; 0
// lifts the bound for it. A statement still running after d is stopped on
// the server and returns an error matching orm.ErrStatementTimeout.
func (qs QuerySet[T]) WithStatementTimeout(d time.Duration) QuerySet[T] {
	q := qs.clone()
	if d < 0 {
		return QuerySet[T]{q.fail(fmt.Errorf("queryset: WithStatementTimeout(%s) on %s: negative timeout", d, q.name()))}
	}
	if q.db != nil {
		q.db = q.db.WithStatementTimeout(d)
	}
	return QuerySet[T]{q}
}

// maxDepth is how many relations a field path given to q may cross.
func (q query) maxDepth() int {
	if q.db == nil {
		return orm.DefaultMaxPathDepth
	}
	return q.db.MaxPathDepth()
}

// checkDepth refuses a key that crosses more than limit relations: each
// multi-valued one can multiply the rows a statement reads, so the depth of
// a path that may come from user input is a cost to bound (a 400-hop path
// once ran for half an hour). A key with at most limit parts cannot cross
// more, so the common case costs one count of "__".
func checkDepth(m *schema.Model, key string, limit int) error {
	if m == nil || strings.Count(key, "__") < limit {
		return nil
	}
	p, err := resolvePath(m, strings.TrimPrefix(key, "-"), true)
	if err != nil {
		return nil // an unknown name: the compiler reports it
	}
	n := len(p.hops)
	if p.field.Rel != nil {
		n++
	}
	if n <= limit {
		return nil
	}
	return depthError(m, key, n, limit)
}

// checkRelationPath refuses a SelectRelated or PrefetchRelated path of more
// than limit relations (every name in it is one).
func checkRelationPath(m *schema.Model, path string, limit int) error {
	if m == nil {
		return nil
	}
	if n := strings.Count(path, "__") + 1; n > limit {
		return depthError(m, path, n, limit)
	}
	return nil
}

func depthError(m *schema.Model, key string, n, limit int) error {
	return &orm.FieldError{Model: m.Name, Field: key, Msg: fmt.Sprintf(
		"the path crosses %d relations, more than the limit of %d (each multi-valued relation can multiply the rows read); raise it with orm.WithMaxPathDepth",
		n, limit)}
}

// checkNode checks the depth of every key and F() path in a condition.
func checkNode(m *schema.Model, n Node, limit int) error {
	switch n := n.(type) {
	case Q:
		for k, v := range n {
			if err := checkDepth(m, k, limit); err != nil {
				return err
			}
			if err := checkValue(m, v, limit); err != nil {
				return err
			}
		}
	case andNode:
		return checkNodes(m, n.children, limit)
	case orNode:
		return checkNodes(m, n.children, limit)
	case notNode:
		return checkNode(m, n.child, limit)
	}
	return nil
}

func checkNodes(m *schema.Model, nodes []Node, limit int) error {
	for _, c := range nodes {
		if err := checkNode(m, c, limit); err != nil {
			return err
		}
	}
	return nil
}

// checkValue checks the paths of an F() expression given as a value.
func checkValue(m *schema.Model, v any, limit int) error {
	fx, ok := v.(Expr)
	if !ok {
		return nil
	}
	if fx.op == "" {
		return checkDepth(m, fx.field, limit)
	}
	if fx.left != nil {
		if err := checkValue(m, *fx.left, limit); err != nil {
			return err
		}
	}
	return checkValue(m, fx.right, limit)
}

// checkAggs checks the fields and filters of aggregates.
func checkAggs(m *schema.Model, aggs []Agg, limit int) error {
	for _, a := range aggs {
		if err := checkDepth(m, a.field, limit); err != nil {
			return err
		}
		if err := checkNodes(m, a.filter, limit); err != nil {
			return err
		}
	}
	return nil
}

// checkFields checks field names (Values, GroupBy, OrderBy).
func checkFields(m *schema.Model, fields []string, limit int) error {
	for _, f := range fields {
		if err := checkDepth(m, f, limit); err != nil {
			return err
		}
	}
	return nil
}
