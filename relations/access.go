package relations

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"github.com/eagerorm/eager/orm"
)

// access loads relation b.field of the row at row, as the mode in force
// says: one query (Lazy), a panic (Strict on a row from a multi-row result,
// StrictAll), or one query for every peer of the row (FetchPeers).
func (b *binding) access(ctx context.Context, row unsafe.Pointer) error {
	src, f := b.src, b.field
	mode := src.mode
	if orm.LazyAllowed(ctx) {
		mode = orm.Lazy
	}
	switch mode {
	case orm.StrictAll:
		panic(b.lazyLoadError(mode))
	case orm.Strict:
		if src.multi {
			panic(b.lazyLoadError(mode))
		}
	case orm.FetchPeers:
		if src.multi {
			src.mu.Lock()
			defer src.mu.Unlock()
			if Loaded(row, f) { // a concurrent access to a peer loaded it
				return nil
			}
			return Prefetch(ctx, src.model, src.rows, []Lookup{{Path: f.Name}}, src.prefetchOptions())
		}
	}
	return Prefetch(ctx, src.model, []unsafe.Pointer{row}, []Lookup{{Path: f.Name}}, src.prefetchOptions())
}

func (s *Source) prefetchOptions() PrefetchOptions {
	return PrefetchOptions{DB: s.db, Loader: s.loader, Mode: s.mode, Path: s.path, PathMulti: s.pathMulti, Root: s.root}
}

func (b *binding) lazyLoadError(mode orm.LoadMode) *orm.LazyLoadError {
	src, f := b.src, b.field
	path := f.Name
	if src.path != "" {
		path = src.path + "__" + f.Name
	}
	fix := ".SelectRelated(" + strconv.Quote(path) + ")"
	if src.pathMulti || f.Rel.Multi() {
		fix = ".PrefetchRelated(" + strconv.Quote(path) + ")"
	}
	return &orm.LazyLoadError{Model: src.model.Name, Relation: f.Name, Kind: f.Rel.Kind, Peers: len(src.rows),
		Mode: mode, Site: callSite(), Fix: fix, Root: src.root}
}

// callSite is the file:line of the first caller outside eager's own packages:
// the line of user code that made the access.
func callSite() string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if !internalFrame(fr.Function) {
			return filepath.Base(filepath.Dir(fr.File)) + "/" + filepath.Base(fr.File) + ":" + strconv.Itoa(fr.Line)
		}
		if !more {
			return ""
		}
	}
}

func internalFrame(fn string) bool {
	for _, p := range []string{"github.com/eagerorm/eager/relations.", "github.com/eagerorm/eager/orm.",
		"github.com/eagerorm/eager/queryset.", "runtime."} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// errNotBound is the error for an unloaded relation of a row that was not
// read through a DB (built in Go, or inserted): there is nothing to load it with.
func errNotBound(target string) error {
	return fmt.Errorf("relations: the %s relation is not loaded, and its row was not read through a DB, so there is nothing to load it with (read the row with a QuerySet, or Set the relation)", target)
}
