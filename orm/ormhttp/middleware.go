package ormhttp

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/eagerorm/eager/orm"
)

// DefaultHeader is the response header that carries the statement count.
const DefaultHeader = "X-Query-Count"

// DefaultWarnEvery is how often, at most, the same N+1 pattern of the same
// route is logged when Options.WarnEvery is 0.
const DefaultWarnEvery = time.Minute

// Options configure the middleware. The zero value counts into
// X-Query-Count and warns through slog.Default(), at most once a minute per
// route and N+1 pattern.
type Options struct {
	// Header names the count header; "-" sends none.
	Header string
	// Logger receives the N+1 warnings (default slog.Default()).
	Logger *slog.Logger
	// WarnEvery limits the warnings: one per route, statement shape and
	// call site per WarnEvery; the next one for that pattern carries how
	// many were left out meanwhile (suppressed=N). 0 means
	// DefaultWarnEvery; a negative value logs every request's patterns.
	WarnEvery time.Duration
	// Disabled switches the middleware off: the handler is returned as is,
	// at no cost per request.
	Disabled bool

	now func() time.Time // the limiter's clock; tests replace it
}

// Middleware wraps a handler so each request runs under orm.Capture. The
// header holds the count of statements run before the response was first
// written (or all of them, for a handler that writes nothing). When the
// handler returns, each N+1 pattern found is logged as a warning with the
// method, the path, the repeated SQL, its call site, the fix and the route
// (the ServeMux pattern, when the handler is a ServeMux), subject to
// WarnEvery.
//
// The warning is logged after the handler returns, which can be after the
// client has read the whole response: a test that reads the log must wait
// for the server's handler to return, not only for the response.
func Middleware(o Options) func(http.Handler) http.Handler {
	if o.Disabled {
		return func(next http.Handler) http.Handler { return next }
	}
	header := o.Header
	if header == "" {
		header = DefaultHeader
	}
	logger := o.Logger
	every := o.WarnEvery
	if every == 0 {
		every = DefaultWarnEvery
	}
	now := o.now
	if now == nil {
		now = time.Now
	}
	lim := newLimiter(every, now)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, log := orm.Capture(r.Context())
			cw := &countingWriter{ResponseWriter: w, log: log, header: header}
			req := r.WithContext(ctx)
			next.ServeHTTP(cw, req)
			cw.setHeader()
			report := log.Report()
			if len(report.NPlusOne) == 0 {
				return
			}
			l := logger
			if l == nil {
				l = slog.Default()
			}
			// A ServeMux sets Pattern on the request it was given: the
			// route groups /orders/1 and /orders/2 as one.
			route := req.Pattern
			if route == "" {
				route = r.Method + " " + r.URL.Path
			}
			for _, n := range report.NPlusOne {
				ok, suppressed := lim.allow(route + "\x00" + n.SQL + "\x00" + n.Site)
				if !ok {
					continue
				}
				attrs := []any{"method", r.Method, "path", r.URL.Path,
					"statements", report.Statements, "repeated", n.Count, "sql", n.SQL, "site", n.Site, "fix", n.Suggestion,
					"route", route}
				if suppressed > 0 {
					attrs = append(attrs, "suppressed", suppressed)
				}
				l.WarnContext(r.Context(), "N+1 queries", attrs...)
			}
		})
	}
}

// countingWriter sets the count header just before the response starts.
type countingWriter struct {
	http.ResponseWriter
	log    *orm.QueryLog
	header string
	wrote  bool
}

func (w *countingWriter) setHeader() {
	if w.wrote {
		return
	}
	w.wrote = true
	if w.header != "-" {
		w.ResponseWriter.Header().Set(w.header, strconv.Itoa(w.log.Count()))
	}
}

func (w *countingWriter) WriteHeader(code int) {
	w.setHeader()
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.setHeader()
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach Flush, Hijack and deadlines.
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
