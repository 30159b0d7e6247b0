package ormhttp

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/eagerorm/eager/orm"
)

// DefaultHeader is the response header that carries the statement count.
const DefaultHeader = "X-Query-Count"

// Options configure the middleware. The zero value counts into
// X-Query-Count and warns through slog.Default().
type Options struct {
	// Header names the count header; "-" sends none.
	Header string
	// Logger receives the N+1 warnings (default slog.Default()).
	Logger *slog.Logger
	// Disabled switches the middleware off: the handler is returned as is,
	// at no cost per request.
	Disabled bool
}

// Middleware wraps a handler so each request runs under orm.Capture. The
// header holds the count of statements run before the response was first
// written (or all of them, for a handler that writes nothing); after the
// request, each N+1 pattern found is logged as a warning with the method,
// the path, the repeated SQL, its call site and the fix.
func Middleware(o Options) func(http.Handler) http.Handler {
	if o.Disabled {
		return func(next http.Handler) http.Handler { return next }
	}
	header := o.Header
	if header == "" {
		header = DefaultHeader
	}
	logger := o.Logger
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, log := orm.Capture(r.Context())
			cw := &countingWriter{ResponseWriter: w, log: log, header: header}
			next.ServeHTTP(cw, r.WithContext(ctx))
			cw.setHeader()
			report := log.Report()
			if len(report.NPlusOne) == 0 {
				return
			}
			l := logger
			if l == nil {
				l = slog.Default()
			}
			for _, n := range report.NPlusOne {
				l.WarnContext(r.Context(), "N+1 queries", "method", r.Method, "path", r.URL.Path,
					"statements", report.Statements, "repeated", n.Count, "sql", n.SQL, "site", n.Site, "fix", n.Suggestion)
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
