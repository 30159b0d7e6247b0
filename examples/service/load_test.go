package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eagerorm/eager/examples/internal/shop"
	"github.com/eagerorm/eager/orm"
	"github.com/eagerorm/eager/orm/ormtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestLoad is the service's load test, run on demand:
//
//	EAGER_LOADTEST=1 go test ./examples/service -run TestLoad -v -timeout 10m
//
// It serves the service on loopback from a pool of 4 connections and runs
// 32 clients for 30 seconds, each going round the naive /orders (501
// statements), the fixed /orders?fixed=1 (1) and the streaming
// /customers/stream (Iter + PrefetchRelated). Every request has a
// deadline: one that passes it counts as a hang, so the test reports
// rather than hangs. It reports errors, hangs, p50/p99 per endpoint, the
// pool's connections acquired and returned, the N+1 warnings logged, and
// the heap and RSS before, during and after; and it fails unless there was
// no error and no hang, every connection came back and the heap is flat.
//
// EAGER_LOADTEST_DURATION (30s), EAGER_LOADTEST_CLIENTS (32),
// EAGER_LOADTEST_POOL (4) and EAGER_LOADTEST_DEADLINE (10s) change the
// settings.
func TestLoad(t *testing.T) {
	if os.Getenv("EAGER_LOADTEST") == "" {
		t.Skip("the load test runs with EAGER_LOADTEST=1")
	}
	cfg := loadConfig{
		duration: envDuration(t, "EAGER_LOADTEST_DURATION", 30*time.Second),
		deadline: envDuration(t, "EAGER_LOADTEST_DEADLINE", 10*time.Second),
		clients:  envInt(t, "EAGER_LOADTEST_CLIENTS", 32),
		pool:     envInt(t, "EAGER_LOADTEST_POOL", 4),
	}
	ctx := context.Background()
	schema := ormtest.NewSchema(t)
	db, err := orm.Open(ctx, schema.DSN, orm.WithMaxConns(int32(cfg.pool)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := shop.Setup(ctx, db, 500); err != nil {
		t.Fatal(err)
	}
	pool := db.Querier().(*pgxpool.Pool)

	var logs levelCounter
	srv := httptest.NewUnstartedServer(handler(db, slog.New(slog.NewTextHandler(&logs, nil))))
	srv.Config.ReadHeaderTimeout = 5 * time.Second
	srv.Start()
	serverClosed := false
	defer func() {
		if !serverClosed {
			srv.Close()
		}
	}()
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.clients, DisableCompression: true}
	client := &http.Client{Transport: transport}

	eps := []endpoint{
		{name: "naive /orders", path: "/orders", check: checkOrders},
		{name: "fixed /orders?fixed=1", path: "/orders?fixed=1", check: checkOrders},
		{name: "stream /customers/stream", path: "/customers/stream", check: checkStream},
	}
	before := snapshot()
	goroutines := runtime.NumGoroutine()
	t.Logf("load: %d clients for %v on a pool of %d, deadline %v per request, %d endpoints",
		cfg.clients, cfg.duration, cfg.pool, cfg.deadline, len(eps))

	start := time.Now()
	end := start.Add(cfg.duration)
	results := make([][]result, cfg.clients)
	var wg sync.WaitGroup
	for i := range cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; time.Now().Before(end); n++ {
				ep := n % len(eps)
				results[i] = append(results[i], eps[ep].do(client, srv.URL, ep, cfg.deadline))
			}
		}()
	}
	var during []memory
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(cfg.duration / 3)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
				during = append(during, snapshot())
			}
		}
	}()
	wg.Wait()
	close(stopSampling)
	<-sampled
	elapsed := time.Since(start)

	// Every handler must end: Close waits for them, within a bound.
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
		serverClosed = true
	case <-time.After(30 * time.Second):
		t.Errorf("server handlers still running 30s after the load stopped")
	}
	transport.CloseIdleConnections()
	// A connection released in the middle of a cancelled statement is
	// closed in the background: give the pool a moment to count it back.
	settle := time.Now().Add(5 * time.Second)
	for pool.Stat().AcquiredConns() > 0 && time.Now().Before(settle) {
		time.Sleep(10 * time.Millisecond)
	}
	after := snapshot()
	stat := pool.Stat()

	var all []result
	for _, r := range results {
		all = append(all, r...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-26s %8s %7s %6s %9s %9s\n", "endpoint", "requests", "errors", "hangs", "p50", "p99")
	totalErr, totalHang := 0, 0
	var firstErrs []string
	for i, ep := range eps {
		var lat []time.Duration
		n, errs, hangs := 0, 0, 0
		for _, r := range all {
			if r.ep != i {
				continue
			}
			n++
			switch {
			case r.hang:
				hangs++
			case r.err != nil:
				errs++
				if len(firstErrs) < 5 {
					firstErrs = append(firstErrs, ep.name+": "+r.err.Error())
				}
			default:
				lat = append(lat, r.dur)
			}
		}
		totalErr += errs
		totalHang += hangs
		p50, p99 := percentiles(lat)
		fmt.Fprintf(&b, "%-26s %8d %7d %6d %9s %9s\n", ep.name, n, errs, hangs, p50, p99)
	}
	var lat []time.Duration
	for _, r := range all {
		if !r.hang && r.err == nil {
			lat = append(lat, r.dur)
		}
	}
	p50, p99 := percentiles(lat)
	fmt.Fprintf(&b, "%-26s %8d %7d %6d %9s %9s\n", "all", len(all), totalErr, totalHang, p50, p99)
	fmt.Fprintf(&b, "throughput: %.1f requests/s over %v\n", float64(len(all))/elapsed.Seconds(), elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "pool: %d connections acquired, %d returned, %d still out; %d open of max %d; %d acquires waited, %d cancelled while waiting\n",
		stat.AcquireCount(), stat.AcquireCount()-int64(stat.AcquiredConns()), stat.AcquiredConns(), stat.TotalConns(), stat.MaxConns(),
		stat.EmptyAcquireCount(), stat.CanceledAcquireCount())
	fmt.Fprintf(&b, "log: %d N+1 warnings (%s), %d errors\n", logs.count("level=WARN"), logs.warnings(), logs.count("level=ERROR"))
	fmt.Fprintf(&b, "memory (heap after GC / RSS): before %s", before)
	for i, m := range during {
		fmt.Fprintf(&b, ", at %v %s", (time.Duration(i+1) * cfg.duration / 3).Round(time.Second), m)
	}
	fmt.Fprintf(&b, ", after %s\n", after)
	fmt.Fprintf(&b, "goroutines: %d before, %d after\n", goroutines, runtime.NumGoroutine())
	for _, e := range firstErrs {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	t.Log(b.String())

	if totalErr > 0 || totalHang > 0 {
		t.Errorf("%d errors and %d hangs, want none", totalErr, totalHang)
	}
	if stat.AcquiredConns() != 0 {
		t.Errorf("%d pool connections were never returned", stat.AcquiredConns())
	}
	if grow := int64(after.heap) - int64(before.heap); grow > 32<<20 {
		t.Errorf("the heap grew by %d MB", grow>>20)
	}
}

type loadConfig struct {
	duration, deadline time.Duration
	clients, pool      int
}

type endpoint struct {
	name, path string
	check      func(body io.Reader) error
}

type result struct {
	ep   int
	dur  time.Duration
	err  error
	hang bool // the request passed its deadline
}

func (e endpoint) do(client *http.Client, base string, ep int, deadline time.Duration) result {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	err := func() error {
		req, err := http.NewRequestWithContext(ctx, "GET", base+e.path, nil)
		if err != nil {
			return err
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(io.LimitReader(res.Body, 200))
			return fmt.Errorf("status %d: %s", res.StatusCode, bytes.TrimSpace(body))
		}
		return e.check(res.Body)
	}()
	r := result{ep: ep, dur: time.Since(start), err: err}
	if err != nil && (errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil) {
		r.hang = true
	}
	return r
}

// checkOrders: every order, each with its customer's name.
func checkOrders(body io.Reader) error {
	var orders []orderJSON
	if err := json.NewDecoder(body).Decode(&orders); err != nil {
		return err
	}
	if len(orders) != 500 {
		return fmt.Errorf("%d orders, want 500", len(orders))
	}
	for _, o := range orders {
		if o.Customer == "" {
			return fmt.Errorf("order %d without its customer", o.ID)
		}
	}
	return nil
}

// checkStream: every customer, and the stream ended cleanly.
func checkStream(body io.Reader) error {
	sc := bufio.NewScanner(body)
	n, orders := 0, 0
	for sc.Scan() {
		var c customerJSON
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return err
		}
		n++
		orders += c.Orders
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if n != 100 || orders != 500 {
		return fmt.Errorf("%d customers with %d orders, want 100 with 500", n, orders)
	}
	return nil
}

func percentiles(d []time.Duration) (p50, p99 string) {
	if len(d) == 0 {
		return "-", "-"
	}
	slices.Sort(d)
	at := func(p int) string { return d[min(len(d)-1, len(d)*p/100)].Round(10 * time.Microsecond).String() }
	return at(50), at(99)
}

type memory struct{ heap, rss uint64 }

func (m memory) String() string {
	rss := "n/a"
	if m.rss > 0 {
		rss = fmt.Sprintf("%.1f MB", float64(m.rss)/(1<<20))
	}
	return fmt.Sprintf("%.1f MB / %s", float64(m.heap)/(1<<20), rss)
}

// snapshot collects garbage and reads the live heap, and the process's RSS
// where /proc has it.
func snapshot() memory {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := memory{heap: ms.HeapAlloc}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				m.rss = kb << 10
			}
		}
	}
	return m
}

// levelCounter is the service's log: it keeps the level of each warning
// and error line, and the route and site of each N+1 warning.
type levelCounter struct {
	mu     sync.Mutex
	lines  []string
	where  map[string]int
	fields *regexp.Regexp
}

func (l *levelCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, level := range []string{"level=WARN", "level=ERROR"} {
		if bytes.Contains(p, []byte(level)) {
			l.lines = append(l.lines, level)
		}
	}
	if bytes.Contains(p, []byte(`msg="N+1 queries"`)) {
		if l.where == nil {
			l.where = map[string]int{}
			l.fields = regexp.MustCompile(`(?:site|route)=(?:"[^"]*"|\S+)`)
		}
		l.where[strings.Join(l.fields.FindAllString(string(p), -1), " ")]++
	}
	return len(p), nil
}

func (l *levelCounter) count(level string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if s == level {
			n++
		}
	}
	return n
}

// warnings lists the N+1 warnings by site and route.
func (l *levelCounter) warnings() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for w, n := range l.where {
		out = append(out, fmt.Sprintf("%d x %s", n, w))
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return d
	}
	return def
}

func envInt(t *testing.T, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want a positive number", name, v)
		}
		return n
	}
	return def
}
