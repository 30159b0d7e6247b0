// Command report turns the rounds written by bench/run.sh into
// docs/performance.md: per scenario and library, the median of the
// per-round time ratios to raw pgx with their min-max, allocations,
// statements per operation, eager's targets met or missed, the libraries
// that fail at 100,000 parents, and benchstat's output.
//
//	go run ./cmd/report -out ../docs/performance.md results/round-*.txt
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

func main() {
	var (
		out       = flag.String("out", "", "write the markdown here (default stdout)")
		benchstat = flag.String("benchstat", "", "file with benchstat's output to include")
		versions  = flag.String("versions", "", "file with `go list -m` lines (module version)")
		cpu       = flag.String("cpu", "", "CPU model")
		cores     = flag.String("cores", "", "number of cores")
		goVersion = flag.String("go", "", "`go version` output")
		postgres  = flag.String("postgres", "", "PostgreSQL version (default: asked of the server)")
		benchtime = flag.String("benchtime", "", "the -benchtime used")
		command   = flag.String("command", "./run.sh", "the command that produced the rounds")
	)
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "report: no round files given")
		os.Exit(2)
	}

	var samples []Sample
	var failures []Failure
	for i, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			fatal(err)
		}
		s, fl, err := Parse(f, i+1)
		f.Close()
		if err != nil {
			fatal(fmt.Errorf("%s: %w", name, err))
		}
		samples, failures = append(samples, s...), append(failures, fl...)
	}
	if len(samples) == 0 {
		fatal(fmt.Errorf("no benchmark results in %s", strings.Join(flag.Args(), " ")))
	}

	info := Info{
		Date:      time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		CPU:       *cpu,
		Cores:     *cores,
		Go:        *goVersion,
		Postgres:  *postgres,
		Rounds:    flag.NArg(),
		Benchtime: *benchtime,
		Command:   *command,
	}
	if info.Postgres == "" {
		info.Postgres = serverVersion()
	}
	if *versions != "" {
		info.Versions = lines(*versions)
	}
	var bs string
	if *benchstat != "" {
		b, err := os.ReadFile(*benchstat)
		if err != nil {
			fatal(err)
		}
		bs = string(b)
	}

	var buf bytes.Buffer
	Render(&buf, info, Summarize(samples, failures), bs)
	if *out == "" {
		os.Stdout.Write(buf.Bytes())
		return
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fatal(err)
	}
}

// serverVersion asks the benchmark server (resolved like bench.ServerDSN).
func serverVersion() string {
	dsn := "postgres://postgres@127.0.0.1:5432/test"
	for _, k := range []string{"EAGER_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			dsn = v
			break
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "unknown"
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "unknown"
	}
	return v
}

func lines(name string) []string {
	f, err := os.Open(name)
	if err != nil {
		fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	os.Exit(1)
}
