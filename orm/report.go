package orm

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Report is what a QueryLog saw: statements grouped by shape, the N+1
// patterns among them, and eager loads no code read.
type Report struct {
	Statements int // transaction control not included
	Duration   time.Duration
	Shapes     []Shape    // most frequent first
	NPlusOne   []NPlusOne // most repeated first
	Unused     []EagerLoad
}

// Shape is every statement with the same normalized SQL.
type Shape struct {
	// SQL is the shape's first statement as sent (placeholders $1, $2, ...
	// as they were), whitespace collapsed and literals shown as ?.
	SQL      string
	Count    int
	Duration time.Duration
	Sites    []SiteCount // where they came from, most first
}

// SiteCount is how many statements of a shape one line of code caused.
type SiteCount struct {
	Site  string
	Count int
}

// NPlusOne is one statement shape repeated from one line of code: the
// classic loop that loads something per row.
type NPlusOne struct {
	SQL   string // as Shape.SQL
	Site  string
	Count int
	// Load says which relation was loaded one row at a time, when the
	// repetition came from relation accesses.
	Load *LoadInfo
	// SingleRow names the model when the repetition is a loop of
	// single-row reads (Get, First, Last).
	SingleRow string
	// Suggestion is the fix: the SelectRelated or PrefetchRelated to add, or
	// for repeated statements of your own, how to batch them.
	Suggestion string
}

var (
	spaces      = regexp.MustCompile(`\s+`)
	stringLit   = regexp.MustCompile(`'(?:[^']|'')*'`)
	numberLit   = regexp.MustCompile(`\b\d+(?:\.\d+)?\b`)
	placeholder = regexp.MustCompile(`\$\d+`)
	inList      = regexp.MustCompile(`(?i)\bIN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)`)

	placeholderOrNumber = regexp.MustCompile(`\$\d+|\b\d+(?:\.\d+)?\b`)
)

// Normalize reduces a statement to its shape, the key the report groups
// by: literals and placeholders become ?, IN lists one (?...), whitespace
// one space. eager's own SQL only has placeholders; hand-written SQL may
// have literals.
func Normalize(sql string) string {
	s := spaces.ReplaceAllString(strings.TrimSpace(sql), " ")
	s = stringLit.ReplaceAllString(s, "?")
	s = placeholder.ReplaceAllString(s, "?")
	s = numberLit.ReplaceAllStringFunc(s, func(m string) string { return "?" })
	return inList.ReplaceAllString(s, "IN (?...)")
}

// shown is a statement as the report prints it: as sent, with its
// placeholders ($1) intact, whitespace collapsed and literals (which vary
// between the statements of a shape) shown as ?.
func shown(sql string) string {
	s := spaces.ReplaceAllString(strings.TrimSpace(sql), " ")
	s = stringLit.ReplaceAllString(s, "?")
	return placeholderOrNumber.ReplaceAllStringFunc(s, func(m string) string {
		if m[0] == '$' {
			return m
		}
		return "?"
	})
}

// Report analyses the statements recorded so far.
func (l *QueryLog) Report() *Report {
	l.mu.Lock()
	queries := append([]CapturedQuery(nil), l.queries...)
	eager := append([]eagerEntry(nil), l.eager...)
	l.mu.Unlock()

	r := &Report{}
	shapes := map[string]*Shape{}
	var order []string
	type siteKey struct{ shape, site string }
	perSite := map[siteKey]*NPlusOne{}
	perChunk := map[siteKey]int{} // of those, statements Iter sent once per chunk
	var siteOrder []siteKey
	for _, q := range queries {
		if q.TxControl {
			continue
		}
		r.Statements++
		r.Duration += q.Duration
		shape := Normalize(q.SQL)
		sh := shapes[shape]
		if sh == nil {
			sh = &Shape{SQL: shown(q.SQL)}
			shapes[shape] = sh
			order = append(order, shape)
		}
		sh.Count++
		sh.Duration += q.Duration
		k := siteKey{shape, q.Site}
		n := perSite[k]
		if n == nil {
			n = &NPlusOne{SQL: sh.SQL, Site: q.Site, Load: q.Load, SingleRow: q.SingleRow}
			perSite[k] = n
			siteOrder = append(siteOrder, k)
		}
		n.Count++
		if q.PerChunk {
			perChunk[k]++
		}
	}
	for _, s := range order {
		r.Shapes = append(r.Shapes, *shapes[s])
	}
	index := make(map[string]int, len(order))
	for i, s := range order {
		index[s] = i
	}
	for _, k := range siteOrder {
		n := perSite[k]
		sh := &r.Shapes[index[k.shape]]
		sh.Sites = append(sh.Sites, SiteCount{Site: k.site, Count: n.Count})
		// Iter's per-chunk statements (its FETCH, each chunk's prefetches)
		// repeat once per chunk of rows, not once per row: never an N+1.
		if n.Count -= perChunk[k]; n.Count < 2 {
			continue
		}
		n.Suggestion = suggestion(n)
		r.NPlusOne = append(r.NPlusOne, *n)
	}
	sort.SliceStable(r.Shapes, func(i, j int) bool { return r.Shapes[i].Count > r.Shapes[j].Count })
	for i := range r.Shapes {
		sort.SliceStable(r.Shapes[i].Sites, func(a, b int) bool { return r.Shapes[i].Sites[a].Count > r.Shapes[i].Sites[b].Count })
	}
	sort.SliceStable(r.NPlusOne, func(i, j int) bool { return r.NPlusOne[i].Count > r.NPlusOne[j].Count })
	for _, e := range eager {
		if !e.used() {
			r.Unused = append(r.Unused, e.EagerLoad)
		}
	}
	return r
}

func suggestion(n *NPlusOne) string {
	if n.Load != nil {
		return fmt.Sprintf("add %s to the QuerySet[%s] (or run it with orm.FetchPeers)", n.Load.Fix, n.Load.Root)
	}
	if n.SingleRow != "" {
		return fmt.Sprintf(`read the %s rows in one statement before the loop (queryset.New[%s](db).Filter(queryset.Q{"pk__in": keys}).All(ctx)) and look each one up in a map`,
			n.SingleRow, n.SingleRow)
	}
	return "the same statement ran once per iteration: load the rows in one statement (a Filter with __in, or SelectRelated/PrefetchRelated on the QuerySet of the loop)"
}

// String renders the report for people: the N+1 patterns with their fix,
// the statements by shape, and the eager loads nobody read.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "eager query report: %d statements, %s\n", r.Statements, r.Duration.Round(time.Microsecond))
	if len(r.NPlusOne) == 0 {
		b.WriteString("N+1: none\n")
	}
	for _, n := range r.NPlusOne {
		what := ""
		switch {
		case n.Load != nil:
			what = fmt.Sprintf(" (%s load of %s.%s)", n.Load.Kind, n.Load.Model, n.Load.Relation)
		case n.SingleRow != "":
			what = fmt.Sprintf(" (a single-row Get/First of %s, once per iteration)", n.SingleRow)
		}
		fmt.Fprintf(&b, "N+1: %d x %s\n     from %s%s\n     fix: %s\n", n.Count, clip(n.SQL, 140), n.Site, what, n.Suggestion)
	}
	b.WriteString("statements by shape:\n")
	for _, s := range r.Shapes {
		var sites []string
		for _, sc := range s.Sites {
			sites = append(sites, fmt.Sprintf("%s x%d", sc.Site, sc.Count))
		}
		fmt.Fprintf(&b, "  %5d x %s  [%s]\n", s.Count, clip(s.SQL, 120), strings.Join(sites, ", "))
	}
	if len(r.Unused) > 0 {
		b.WriteString("eager loads never used:\n")
		for _, u := range r.Unused {
			fmt.Fprintf(&b, "  %s(%q) on QuerySet[%s] at %s: no %s.%s was read\n", u.Via, u.Path, u.Root, u.Site, u.Model, u.Relation)
		}
	}
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
