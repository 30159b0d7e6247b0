package pgtest

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ExecModes are pgx's query exec modes, by the names its DSN parameter
// default_query_exec_mode takes. Under exec and simple_protocol every value
// arrives as text.
var ExecModes = []string{"cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol"}

var execModes = map[string]pgx.QueryExecMode{
	"cache_statement": pgx.QueryExecModeCacheStatement,
	"cache_describe":  pgx.QueryExecModeCacheDescribe,
	"describe_exec":   pgx.QueryExecModeDescribeExec,
	"exec":            pgx.QueryExecModeExec,
	"simple_protocol": pgx.QueryExecModeSimpleProtocol,
}

// ExecModeByName returns the exec mode named as in ExecModes (the default,
// cache_statement, for an unknown name).
func ExecModeByName(name string) pgx.QueryExecMode {
	if m, ok := execModes[name]; ok {
		return m
	}
	return pgx.QueryExecModeCacheStatement
}

// execModeEnv names the variable that sets the exec mode of every
// connection the tests open through pgtest: CI runs the relation and
// queryset suites once per mode.
const execModeEnv = "EAGER_EXEC_MODE"

// withExecMode adds $EAGER_EXEC_MODE to dsn as default_query_exec_mode, so
// the pool New opens and anything the test opens from DB.DSN use it.
func withExecMode(dsn string) (string, error) {
	mode := os.Getenv(execModeEnv)
	if mode == "" {
		return dsn, nil
	}
	if !slices.Contains(ExecModes, mode) {
		return "", fmt.Errorf("pgtest: %s=%q: want one of %s", execModeEnv, mode, strings.Join(ExecModes, ", "))
	}
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		q := u.Query()
		q.Set("default_query_exec_mode", mode)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " default_query_exec_mode=" + mode, nil
}
