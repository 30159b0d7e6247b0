package queryset

import (
	"strconv"

	"github.com/eagerorm/eager/internal/schema"
	"github.com/eagerorm/eager/internal/sqlgen"
)

// compiler holds what is shared by every scope of one statement: the table
// aliases in use, so a table joined twice (or once more in a subquery) gets
// a fresh alias.
type compiler struct {
	used map[string]bool
	n    int // T1, T2, ... for repeated tables in the main query
	u    int // U0, U1, ... for tables inside subqueries
}

func newCompiler() *compiler { return &compiler{used: map[string]bool{}} }

// alias picks the table's own name the first time, T<n> afterwards (as Django does).
func (c *compiler) alias(table string) string {
	if !c.used[table] {
		c.used[table] = true
		return table
	}
	for {
		c.n++
		a := "T" + strconv.Itoa(c.n)
		if !c.used[a] {
			c.used[a] = true
			return a
		}
	}
}

func (c *compiler) subAlias() string {
	for {
		a := "U" + strconv.Itoa(c.u)
		c.u++
		if !c.used[a] {
			c.used[a] = true
			return a
		}
	}
}

// scope is one FROM clause: the main query, or an EXISTS subquery. To-one
// joins are planned per scope and reused by every condition and ordering
// that follows the same path.
type scope struct {
	c      *compiler
	model  *schema.Model
	alias  string
	joins  []*join
	byPath map[string]*join
	// root is the model the filter's keys start from, named in errors (the
	// scope's own model, or the outer one for an EXISTS subquery).
	root *schema.Model
	// nullableRoot: the scope's own row may be the all-NULL one (an EXISTS
	// that LEFT JOINs the related rows to a one-row table).
	nullableRoot bool
}

func (c *compiler) scope(m *schema.Model, alias string) *scope {
	c.used[alias] = true
	return &scope{c: c, model: m, alias: alias, byPath: map[string]*join{}, root: m}
}

// join is one relation joined into a scope. It stays within 64 bytes (a
// size class; a benchmark counts its bytes): its target model is rel's.
type join struct {
	parent *join
	rel    *schema.Field // the relation field on the parent's model
	alias  string        // of the relation's target table
	// mids are the aliases of the tables the link goes through before its
	// target (a ManyToMany's join table; aggregates only).
	mids []string
	left bool // needed as LEFT by some use (promotion is one-way)
}

// isLeft reports whether the join renders as LEFT: its own need, or any
// ancestor's (everything after a LEFT JOIN stays LEFT).
func (j *join) isLeft() bool {
	for ; j != nil; j = j.parent {
		if j.left {
			return true
		}
	}
	return false
}

// joinPath joins hops into the scope (reusing joins already there) and
// returns the last one, nil for no hops. needLeft marks the use as one that
// must keep rows where a nullable hop finds nothing (IS NULL, OR, NOT,
// ordering); such hops are promoted to LEFT JOIN.
func (s *scope) joinPath(hops []*schema.Field, needLeft bool) *join {
	var parent *join
	key := ""
	for _, h := range hops {
		key += "__" + h.Name
		j := s.byPath[key]
		if j == nil {
			j = &join{parent: parent, rel: h}
			hops := h.Rel.Hops
			for _, hop := range hops[:len(hops)-1] {
				j.mids = append(j.mids, s.c.alias(hop.ToTable))
			}
			j.alias = s.c.alias(h.Rel.Target.Table)
			s.byPath[key] = j
			s.joins = append(s.joins, j)
		}
		if needLeft && (h.Rel.Optional() || (parent == nil && s.nullableRoot)) {
			j.left = true
		}
		parent = j
	}
	return parent
}

func (s *scope) aliasOf(j *join) string {
	if j == nil {
		return s.alias
	}
	return j.alias
}

// joinClauses renders the scope's joins in the order they were planned:
// one JOIN per hop of each relation's link.
func (s *scope) joinClauses() []string {
	out := make([]string, 0, len(s.joins))
	for _, j := range s.joins {
		kind := "INNER JOIN "
		if j.isLeft() {
			kind = "LEFT JOIN "
		}
		from := s.aliasOf(j.parent)
		for i, hop := range j.rel.Rel.Hops {
			to := j.alias
			if i < len(j.mids) {
				to = j.mids[i]
			}
			out = append(out, kind+sqlgen.Table(hop.ToTable, to)+" ON "+sqlgen.Col(to, hop.ToColumn)+" = "+sqlgen.Col(from, hop.FromColumn))
			from = to
		}
	}
	return out
}
