package doccheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Doc is one markdown file and what the checker reads in it.
type Doc struct {
	Path  string   // slash-separated, relative to the module root ("docs/querysets.md")
	Lines []string // the file, split on "\n"
	// Blocks are the fenced code blocks and hidden Go blocks, in order.
	Blocks []*Block
	// Wheres are the tables marked <!-- doccheck: where Model -->.
	Wheres []*WhereTable
	// Anchors are the entries of its <!-- doccheck: lines --> blocks: what
	// each line of code the doc quotes (file.go:NN) holds.
	Anchors []*LineAnchor
	// anchorBlocks are the 0-based [first, end) line ranges of those blocks.
	anchorBlocks [][2]int
}

// Block is a fenced code block, or a hidden Go block (<!-- doccheck ... -->).
type Block struct {
	Lang   string // the info string's first word, lower case ("go", "sql", "")
	Code   string
	Line   int // 1-based line of the first line of Code
	Hidden bool
	Skip   bool // preceded by <!-- doccheck: skip -->
	// For a go block followed (blank lines aside) by a sql block: that block,
	// which must show the statements the Go code sends.
	SQL *Block
	// For a go block followed by an output block (after its sql block, if
	// any): that block, which must show what the Go code prints.
	Output *Block
	owner  *Block // for a sql block: its go block
	// first and end are the 0-based line indexes of Code's first line and of
	// the line after its last (where the closing fence is), for rewriting.
	first, end int
	indent     string // the fence's indentation, stripped from the code lines
}

// WhereTable is a table of filters over one model: in each row, the second
// cell is a Go expression (a queryset.Node), the third the WHERE clause it
// compiles to, the fourth the arguments.
type WhereTable struct {
	Model string
	Line  int // 1-based line of the directive
	Rows  []*WhereRow
}

// WhereRow is one row of a WhereTable.
type WhereRow struct {
	Go, SQL, Args string
	Line          int // 1-based
	idx           int // 0-based line index
}

var (
	fenceRe     = regexp.MustCompile("^( {0,3})(```+|~~~+)\\s*([^`\\s]*)")
	directiveRe = regexp.MustCompile(`^<!--\s*doccheck:\s*(.*?)\s*-->$`)
)

// ParseFile reads and parses the markdown file root/rel.
func ParseFile(root, rel string) (*Doc, error) {
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	return Parse(rel, string(b))
}

// Parse reads the blocks, hidden blocks and where tables of a markdown text.
func Parse(path, text string) (*Doc, error) {
	d := &Doc{Path: path, Lines: strings.Split(text, "\n")}
	lines := d.Lines
	pending := "" // a directive waiting for the block or table it applies to
	pendingLine := 0
	var prev *Block
	prevEnd := -1 // line index after prev's closing fence
	blankSince := func(from, to int) bool {
		for i := from; i < to; i++ {
			if strings.TrimSpace(lines[i]) != "" {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if m := fenceRe.FindStringSubmatch(line); m != nil {
			indent, fence, lang := m[1], m[2], strings.ToLower(m[3])
			b := &Block{Lang: lang, Line: i + 2, first: i + 1, indent: indent}
			j := i + 1
			var code []string
			for ; j < len(lines); j++ {
				t := strings.TrimSpace(lines[j])
				if strings.HasPrefix(t, fence[:3]) && strings.Trim(t, fence[:1]) == "" && len(t) >= len(fence) {
					break
				}
				code = append(code, strings.TrimPrefix(lines[j], indent))
			}
			if j == len(lines) {
				return nil, fmt.Errorf("%s:%d: unclosed code fence", path, i+1)
			}
			b.end = j
			b.Code = strings.Join(code, "\n")
			switch pending {
			case "":
			case "skip":
				b.Skip = true
			default:
				return nil, fmt.Errorf("%s:%d: doccheck directive %q does not apply to a code block", path, pendingLine, pending)
			}
			pending = ""
			adjacent := prev != nil && blankSince(prevEnd, i)
			switch {
			case isGo(b.Lang):
				d.Blocks = append(d.Blocks, b)
			case b.Lang == "sql":
				if adjacent && isGo(prev.Lang) && !prev.Hidden {
					prev.SQL, b.owner = b, prev
				}
				d.Blocks = append(d.Blocks, b)
			case b.Lang == "output":
				owner := prev
				if adjacent && prev.owner != nil {
					owner = prev.owner
				}
				if !adjacent || !isGo(owner.Lang) || owner.Hidden {
					return nil, fmt.Errorf("%s:%d: an output block must follow a go block (or its sql block)", path, i+1)
				}
				owner.Output = b
			}
			prev, prevEnd = b, j+1
			i = j
			continue
		}
		if trimmed == "<!-- doccheck: lines" {
			j := i + 1
			for j < len(lines) && strings.TrimSpace(lines[j]) != "-->" {
				j++
			}
			if j == len(lines) {
				return nil, fmt.Errorf("%s:%d: doccheck lines block without its closing -->", path, i+1)
			}
			if err := d.parseLineAnchors(i+1, j); err != nil {
				return nil, err
			}
			i = j
			continue
		}
		if m := directiveRe.FindStringSubmatch(trimmed); m != nil {
			if pending != "" {
				return nil, fmt.Errorf("%s:%d: doccheck directive %q applies to nothing", path, pendingLine, pending)
			}
			pending, pendingLine = m[1], i+1
			switch f := strings.Fields(pending); {
			case pending == "skip":
			case len(f) == 2 && f[0] == "where":
			default:
				return nil, fmt.Errorf("%s:%d: unknown doccheck directive %q (known: skip, where <Model>)", path, i+1, pending)
			}
			continue
		}
		if trimmed == "<!-- doccheck" || trimmed == "<!--doccheck" {
			b := &Block{Lang: "go", Hidden: true, Line: i + 2, first: i + 1}
			j := i + 1
			var code []string
			for ; j < len(lines) && strings.TrimSpace(lines[j]) != "-->"; j++ {
				code = append(code, lines[j])
			}
			if j == len(lines) {
				return nil, fmt.Errorf("%s:%d: hidden doccheck block without its closing -->", path, i+1)
			}
			b.end, b.Code = j, strings.Join(code, "\n")
			d.Blocks = append(d.Blocks, b)
			prev, prevEnd = b, j+1
			i = j
			continue
		}
		if strings.HasPrefix(pending, "where ") && strings.HasPrefix(trimmed, "|") {
			t := &WhereTable{Model: strings.TrimSpace(strings.TrimPrefix(pending, "where ")), Line: pendingLine}
			j := i
			for ; j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), "|"); j++ {
				if j < i+2 { // header and separator
					continue
				}
				cells := splitRow(lines[j])
				if len(cells) < 3 {
					return nil, fmt.Errorf("%s:%d: a where table row needs | name | Go | SQL | args |", path, j+1)
				}
				r := &WhereRow{Go: code(cells[1]), SQL: code(cells[2]), Line: j + 1, idx: j}
				if len(cells) > 3 {
					r.Args = code(cells[3])
				}
				t.Rows = append(t.Rows, r)
			}
			d.Wheres = append(d.Wheres, t)
			pending = ""
			i = j - 1
			continue
		}
		if trimmed != "" && pending != "" {
			return nil, fmt.Errorf("%s:%d: doccheck directive %q must come right before its block or table", path, pendingLine, pending)
		}
	}
	if pending != "" {
		return nil, fmt.Errorf("%s:%d: doccheck directive %q applies to nothing", path, pendingLine, pending)
	}
	return d, nil
}

func isGo(lang string) bool { return lang == "go" || lang == "golang" }

// splitRow splits a table row into its cells. As in GitHub's tables, every
// unescaped pipe ends a cell, even inside a code span; \| is a pipe.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, "\\|") {
		line = line[:len(line)-1]
	}
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteByte('|')
			i++
		case c == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// code returns the content of a cell's code span (`x`, or a longer backtick
// run around code with backticks), or the cell's text when it has none.
func code(cell string) string {
	cell = strings.TrimSpace(cell)
	n := 0
	for n < len(cell) && cell[n] == '`' {
		n++
	}
	if n == 0 || len(cell) < 2*n {
		return cell
	}
	fence := cell[:n]
	if !strings.HasSuffix(cell, fence) {
		return cell
	}
	inner := cell[n : len(cell)-n]
	if n > 1 {
		inner = strings.TrimSpace(inner)
	}
	return inner
}

// codeSpan quotes s as a markdown code span for a table cell, with a
// backtick run longer than any inside it and its pipes escaped.
func codeSpan(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	if s == "" {
		return ""
	}
	run, longest := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
