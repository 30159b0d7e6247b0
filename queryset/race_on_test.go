//go:build race

package queryset

// propertyDefaultCases is smaller in a race build: the property test runs
// on one goroutine, so the race detector only slows it down; the plain
// build runs the full series.
const propertyDefaultCases = 500
