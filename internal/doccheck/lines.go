package doccheck

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// LineAnchor is one entry of a doc's <!-- doccheck: lines --> block: a
// line of code the doc quotes (as a capture report or a panic prints it,
// nplusone/main.go:75) and text that line holds.
type LineAnchor struct {
	Path    string // as the doc quotes it: a path, or its last elements
	Line    int    // 1-based
	Text    string // what the line must contain
	DocLine int    // 1-based line of the entry in the doc
}

// LineRef is a file.go:NN the doc quotes outside its lines block.
type LineRef struct {
	Path    string
	Line    int
	DocLine int
}

var (
	lineRefRe    = regexp.MustCompile(`(?:^|[^\w./-])([\w][\w./-]*\.go):(\d+)`)
	lineAnchorRe = regexp.MustCompile(`^\s*([\w][\w./-]*\.go):(\d+)\s+(\S.*?)\s*$`)
)

// parseLineAnchors reads the entries of a lines block, lines[from:to].
func (d *Doc) parseLineAnchors(from, to int) error {
	for i := from; i < to; i++ {
		if strings.TrimSpace(d.Lines[i]) == "" {
			continue
		}
		m := lineAnchorRe.FindStringSubmatch(d.Lines[i])
		if m == nil {
			return fmt.Errorf("%s:%d: a doccheck lines entry is \"file.go:NN text the line holds\"", d.Path, i+1)
		}
		n, _ := strconv.Atoi(m[2])
		d.Anchors = append(d.Anchors, &LineAnchor{Path: m[1], Line: n, Text: m[3], DocLine: i + 1})
	}
	d.anchorBlocks = append(d.anchorBlocks, [2]int{from - 1, to + 1})
	return nil
}

// LineRefs returns the file.go:NN quotes of the doc, its lines blocks aside.
func (d *Doc) LineRefs() []LineRef {
	var refs []LineRef
	for i, line := range d.Lines {
		if d.inAnchorBlock(i) {
			continue
		}
		for _, m := range lineRefRe.FindAllStringSubmatch(line, -1) {
			n, _ := strconv.Atoi(m[2])
			refs = append(refs, LineRef{Path: m[1], Line: n, DocLine: i + 1})
		}
	}
	return refs
}

func (d *Doc) inAnchorBlock(i int) bool {
	for _, b := range d.anchorBlocks {
		if i >= b[0] && i < b[1] {
			return true
		}
	}
	return false
}

// GoFiles lists the module's .go files (and those of modules nested in
// it) as slash paths relative to root, for resolving quoted paths.
func GoFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if name := e.Name(); path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// CheckLines checks that every file.go:NN the doc quotes has an entry in
// its lines block, and that each entry's line holds its text. It returns
// the problems, and the renumbering that would fix the entries whose text
// now stands on exactly one other line ("nplusone/main.go:72" ->
// "nplusone/main.go:75").
func CheckLines(root string, d *Doc, files []string) (problems []string, renumber map[string]string) {
	anchors := map[string]*LineAnchor{}
	for _, a := range d.Anchors {
		key := a.Path + ":" + strconv.Itoa(a.Line)
		if anchors[key] != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %s has two entries", d.Path, a.DocLine, key))
		}
		anchors[key] = a
	}
	used := map[string]bool{}
	for _, r := range d.LineRefs() {
		key := r.Path + ":" + strconv.Itoa(r.Line)
		used[key] = true
		if anchors[key] == nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %s is quoted, but no <!-- doccheck: lines --> entry says what that line holds (conventions: internal/doccheck/doc.go)",
				d.Path, r.DocLine, key))
		}
	}
	renumber = map[string]string{}
	for _, a := range d.Anchors {
		key := a.Path + ":" + strconv.Itoa(a.Line)
		if !used[key] {
			problems = append(problems, fmt.Sprintf("%s:%d: the lines entry %s is quoted nowhere in the doc", d.Path, a.DocLine, key))
			continue
		}
		var matches []string
		for _, f := range files {
			if f == a.Path || strings.HasSuffix(f, "/"+a.Path) {
				matches = append(matches, f)
			}
		}
		if len(matches) != 1 {
			what := "no file"
			if len(matches) > 1 {
				what = "several files (" + strings.Join(matches, ", ") + "): quote more of the path"
			}
			problems = append(problems, fmt.Sprintf("%s:%d: %s names %s of this repository", d.Path, a.DocLine, a.Path, what))
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(matches[0])))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %v", d.Path, a.DocLine, err))
			continue
		}
		lines := strings.Split(string(b), "\n")
		if a.Line >= 1 && a.Line <= len(lines) && strings.Contains(lines[a.Line-1], a.Text) {
			continue
		}
		var found []int
		for i, l := range lines {
			if strings.Contains(l, a.Text) {
				found = append(found, i+1)
			}
		}
		msg := fmt.Sprintf("%s:%d: %s:%d does not hold %q", d.Path, a.DocLine, matches[0], a.Line, a.Text)
		switch len(found) {
		case 0:
			problems = append(problems, msg+"; no line of the file does")
		case 1:
			renumber[key] = a.Path + ":" + strconv.Itoa(found[0])
			problems = append(problems, fmt.Sprintf("%s; line %d does (go test ./internal/doccheck -update renumbers it)", msg, found[0]))
		default:
			problems = append(problems, fmt.Sprintf("%s; lines %v do: make the entry's text unique", msg, found))
		}
	}
	return problems, renumber
}

// Renumber rewrites, everywhere in the doc, the quotes renumber maps.
func (d *Doc) Renumber(renumber map[string]string) string {
	lines := append([]string(nil), d.Lines...)
	for i, l := range lines {
		lines[i] = lineRefRe.ReplaceAllStringFunc(l, func(m string) string {
			sub := lineRefRe.FindStringSubmatch(m)
			if to, ok := renumber[sub[1]+":"+sub[2]]; ok {
				return strings.TrimSuffix(m, sub[1]+":"+sub[2]) + to
			}
			return m
		})
	}
	return strings.Join(lines, "\n")
}
