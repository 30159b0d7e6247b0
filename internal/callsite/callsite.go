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
		if !isInternal(fr.Function) {
			return filepath.Base(filepath.Dir(fr.File)) + "/" + filepath.Base(fr.File) + ":" + strconv.Itoa(fr.Line)
		}
		if !more {
			return ""
		}
	}
}

func isInternal(fn string) bool {
	for _, p := range internal {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}
