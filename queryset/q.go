package queryset

import "sort"

// Node is a filter condition: a Q map, or And / Or / Not of nodes.
type Node interface {
	node()
}

// Q is a set of lookups that must all hold: Q{"status": "paid",
// "total__gte": 100}. Keys are applied in sorted order, so the SQL is the same
// on every run. An empty Q matches everything.
type Q map[string]any

func (Q) node() {}

// sortedKeys returns q's keys in order.
func (q Q) sortedKeys() []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type andNode struct{ children []Node }
type orNode struct{ children []Node }
type notNode struct{ child Node }

func (andNode) node() {}
func (orNode) node()  {}
func (notNode) node() {}

// And holds when every node holds. Inside one Filter call, conditions on the
// same multi-valued relation must hold for the same related row.
func And(nodes ...Node) Node { return andNode{children: nodes} }

// Or holds when any node holds.
func Or(nodes ...Node) Node { return orNode{children: nodes} }

// Not holds when node does not; rows where node's fields are NULL are kept
// (Not is the exact complement of the node).
func Not(node Node) Node { return notNode{child: node} }

// normalize drops what a filter ignores and returns nil when nothing is
// left: an empty Q (and an And, Or or Not of nothing) is not TRUE but
// absent, as in Django, so Exclude(Q{}), Filter(Not(Q{})) and
// Filter(Or(Q{}, Not(Q{}))) keep every row and Or(Q{}, q) is q. A double
// negation cancels: Not(Not(q)) is q.
func normalize(n Node) Node {
	switch n := n.(type) {
	case Q:
		if len(n) == 0 {
			return nil
		}
		return n
	case andNode:
		kids := normalizeAll(n.children)
		switch len(kids) {
		case 0:
			return nil
		case 1:
			return kids[0]
		}
		return andNode{children: kids}
	case orNode:
		kids := normalizeAll(n.children)
		switch len(kids) {
		case 0:
			return nil
		case 1:
			return kids[0]
		}
		return orNode{children: kids}
	case notNode:
		c := normalize(n.child)
		switch c := c.(type) {
		case nil:
			return nil
		case notNode:
			return c.child
		}
		return notNode{child: c}
	}
	return nil
}

func normalizeAll(nodes []Node) []Node {
	var out []Node
	for _, c := range nodes {
		if c = normalize(c); c != nil {
			out = append(out, c)
		}
	}
	return out
}
