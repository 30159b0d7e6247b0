package bench

import (
	"context"
	"errors"
	"os"
	"testing"
)

// env seeds the server once per test binary and returns it. Without a
// server the test is skipped, or fails with CI=true.
func env(tb testing.TB) *Env {
	tb.Helper()
	e, err := Setup(context.Background())
	if err != nil {
		if errors.Is(err, ErrNoServer) && os.Getenv("CI") != "true" {
			tb.Skipf("%v (set EAGER_DATABASE_URL; with CI=true this fails)", err)
		}
		tb.Fatalf("%v", err)
	}
	return e
}

// openImpl opens one implementation for the test, closed at cleanup.
func openImpl(tb testing.TB, e *Env, name string) (Impl, *Counter) {
	tb.Helper()
	impl, counter, err := Open(context.Background(), e, name)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	tb.Cleanup(impl.Close)
	return impl, counter
}
