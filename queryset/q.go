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
