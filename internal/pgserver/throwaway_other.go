//go:build !unix

package pgserver

import (
	"errors"
	"runtime"
)

// throwaway is never started here: the cluster needs a Unix (a shell to
// supervise it, process groups, signals).
type throwaway struct{ dsn string }

func startThrowaway(string) (*throwaway, error) {
	return nil, errors.New("a throwaway PostgreSQL cluster is not supported on " + runtime.GOOS + ": set EAGER_DATABASE_URL to a server that runs")
}

func (c *throwaway) stop() {}
