//go:build race

package orm_test

// raceEnabled: the race detector's runtime allocates on its own, so
// allocation counts are not comparable in a race build.
const raceEnabled = true
