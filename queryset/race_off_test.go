//go:build !race

package queryset

const propertyDefaultCases = 3000
