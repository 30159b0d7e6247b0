// Package callsite finds the line of user code behind a statement or a
// relation access: the first caller outside eager's own packages.
package callsite

import (
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// internal lists the packages whose frames are skipped. Test packages
// (relations_test, ...) are user code: the trailing dot keeps them out.
var internal = []string{
	"github.com/eagerorm/eager/relations.", "github.com/eagerorm/eager/orm.",
	"github.com/eagerorm/eager/queryset.", "github.com/eagerorm/eager/orm/ormtest.",
	"github.com/eagerorm/eager/orm/ormhttp.", "github.com/eagerorm/eager/internal/load.",
	"github.com/eagerorm/eager/internal/scan.", "runtime.", "iter.",
}

// Find returns "dir/file.go:line" of the first frame outside eager, skip
// frames above the caller of Find; "" if there is none.
func Find(skip int) string {
	var pcs [48]uintptr
	n := runtime.Callers(skip+2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if !isFrameInternal(fr) {
			return filepath.Base(filepath.Dir(fr.File)) + "/" + filepath.Base(fr.File) + ":" + strconv.Itoa(fr.Line)
		}
		if !more {
			return ""
		}
	}
}

// isFrameInternal reports whether a frame is eager's own: by its function's
// package, or by its file. A closure of eager's inlined into user code (the
// function Iter returns, inlined into the range loop over it) carries the
// user's function name but eager's file.
func isFrameInternal(fr runtime.Frame) bool {
	return isInternal(fr.Function) || isInternalFile(fr.File)
}

func isInternal(fn string) bool {
	for _, p := range internal {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// root is the module's directory, as frames spell it (with -trimpath too):
// three levels above this file.
var root = func() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Dir(filepath.Dir(filepath.Dir(file))) + "/"
}()

// internalDirs are the library's directories under root; their test files
// are user code.
var internalDirs = []string{"orm/", "relations/", "queryset/", "internal/load/", "internal/scan/"}

func isInternalFile(file string) bool {
	if root == "/" || !strings.HasPrefix(file, root) || strings.HasSuffix(file, "_test.go") {
		return false
	}
	rel := file[len(root):]
	for _, d := range internalDirs {
		if strings.HasPrefix(rel, d) {
			return true
		}
	}
	return false
}
