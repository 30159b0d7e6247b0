package doccheck

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// chunk is a top-level piece of a snippet: one declaration or one statement
// (with the comments before it).
type chunk struct {
	text  string
	line  int      // doc line of text's first line
	decl  bool     // a package-level declaration
	names []string // what a declaration declares ("Order", "Order.TableName")
}

// snippet is a Go block split into what goes to package level and what goes
// into a function body.
type snippet struct {
	decls   []chunk
	stmts   []chunk
	imports map[string]string // explicit imports: name -> path
}

// elide blanks out the "..." that stand for left-out code, keeping every
// other byte where it is: an ellipsis right after "{", "(", "," or at the
// start of a statement ("{ ... }", "f(...)", a line "..."). A variadic
// "args..." or "[...]T" is Go and stays.
func elide(src string) string {
	b := []byte(src)
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(b))
	var s scanner.Scanner
	s.Init(f, b, nil, 0)
	prev := token.SEMICOLON
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.ELLIPSIS {
			switch prev {
			case token.LBRACE, token.LPAREN, token.COMMA, token.SEMICOLON:
				off := f.Offset(pos)
				copy(b[off:off+3], "   ")
				continue // the left-out code counts as nothing: keep prev
			}
		}
		prev = tok
	}
	return string(b)
}

type tok struct {
	off int
	tok token.Token
	lit string
}

// split cuts a snippet into top-level declarations and statements. A
// snippet's var and const declarations are package-level when the snippet
// has no statements, local otherwise.
func split(src string, line int) (*snippet, error) {
	src = elide(src)
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	var errs scanner.ErrorList
	s.Init(f, []byte(src), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{off: f.Offset(pos), tok: t, lit: lit})
	}
	if len(errs) > 0 {
		e := errs[0]
		return nil, &lineError{line: line + e.Pos.Line - 1, msg: e.Msg}
	}

	type stmt struct{ from, to, startOff, endOff int } // token range and text range
	var stmts []stmt
	depth, start, startOff := 0, 0, 0
	for i, t := range toks {
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		case token.SEMICOLON:
			if depth == 0 {
				end := t.off + 1
				if t.lit == "\n" && t.off >= len(src) { // inserted at EOF
					end = len(src)
				}
				if i > start {
					stmts = append(stmts, stmt{start, i, startOff, min(end, len(src))})
				}
				start, startOff = i+1, min(end, len(src))
			}
		}
	}
	if start < len(toks) {
		stmts = append(stmts, stmt{start, len(toks), startOff, len(src)})
	}

	sn := &snippet{imports: map[string]string{}}
	var tentative []chunk
	hasStmt := false
	for _, st := range stmts {
		ts := toks[st.from:st.to]
		from := st.startOff // skip the blank lines before the chunk, so that its line is its text's first
		for i := from; i < st.endOff && strings.IndexByte(" \t\r\n", src[i]) >= 0; i++ {
			if src[i] == '\n' {
				from = i + 1
			}
		}
		c := chunk{text: src[from:st.endOff], line: line + strings.Count(src[:from], "\n")}
		switch kind(ts) {
		case "package":
			continue
		case "import":
			if err := sn.addImports(c.text); err != nil {
				return nil, &lineError{line: c.line, msg: err.Error()}
			}
			continue
		case "decl":
			c.decl = true
			sn.decls = append(sn.decls, c)
		case "var":
			tentative = append(tentative, c)
			sn.stmts = append(sn.stmts, c)
		default:
			hasStmt = true
			sn.stmts = append(sn.stmts, c)
		}
	}
	if !hasStmt { // only declarations: its vars and consts are package-level too
		sn.stmts = nil
		for _, c := range tentative {
			c.decl = true
			sn.decls = append(sn.decls, c)
		}
	}
	for i := range sn.decls {
		sn.decls[i].names = declNames(sn.decls[i].text)
	}
	return sn, nil
}

// kind classifies a top-level statement by its first tokens.
func kind(ts []tok) string {
	switch ts[0].tok {
	case token.PACKAGE:
		return "package"
	case token.IMPORT:
		return "import"
	case token.TYPE:
		return "decl"
	case token.VAR, token.CONST:
		return "var"
	case token.FUNC:
		if len(ts) > 1 && ts[1].tok == token.IDENT {
			return "decl" // func Name(
		}
		if len(ts) > 1 && ts[1].tok == token.LPAREN { // a method, or a func literal called at once
			depth := 0
			for i := 1; i < len(ts); i++ {
				switch ts[i].tok {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if i+2 < len(ts) && ts[i+1].tok == token.IDENT && (ts[i+2].tok == token.LPAREN || ts[i+2].tok == token.LBRACK) {
						return "decl"
					}
					return "stmt"
				}
			}
		}
	}
	return "stmt"
}

// declNames lists what a package-level declaration declares; methods as
// "Type.Method".
func declNames(text string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) == 1 {
				names = append(names, recvName(d.Recv.List[0].Type)+"."+d.Name.Name)
			} else {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					names = append(names, sp.Name.Name)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						if n.Name != "_" {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	return names
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "?"
}

func (sn *snippet) addImports(text string) error {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, parser.ImportsOnly)
	if err != nil {
		return err
	}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		} else if strings.HasPrefix(name, "v") && strings.Contains(path, "/") {
			if _, err := strconv.Atoi(name[1:]); err == nil { // .../pgx/v5
				p := path[:strings.LastIndex(path, "/")]
				name = p[strings.LastIndex(p, "/")+1:]
			}
		}
		sn.imports[name] = path
	}
	return nil
}

// lineError is a problem at a line of the doc being checked.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return "line " + strconv.Itoa(e.line) + ": " + e.msg }
