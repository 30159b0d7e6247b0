package migrate

import (
	"strings"
)

// SplitSQL splits a script into its statements at the semicolons psql would
// split it at: not inside '...' or E'...' strings, "quoted" identifiers,
// $tag$ dollar quotes, -- and (nested) /* */ comments, or the BEGIN ... END
// body of a CREATE FUNCTION / PROCEDURE. Statements are trimmed; empty and
// comment-only ones are dropped.
//
// RunSQL needs it because the runner sends one statement per Exec: a
// multi-statement string sent at once runs as an implicit transaction block,
// where CREATE INDEX CONCURRENTLY fails, and an error could not say which
// statement failed. An unterminated quote or comment runs to the end of the
// input, so the server reports it, not the splitter.
func SplitSQL(script string) []string {
	var out []string
	sc := scanner{src: script}
	start := 0
	for {
		semi := sc.nextSemicolon()
		end := semi
		if semi < 0 {
			end = len(script)
		}
		if stmt := strings.TrimSpace(script[start:end]); stmt != "" && !commentOnly(stmt) {
			out = append(out, stmt)
		}
		if semi < 0 {
			return out
		}
		start = semi + 1
		sc.newStatement()
	}
}

type scanner struct {
	src string
	pos int
	// Inside CREATE FUNCTION / PROCEDURE, BEGIN (ATOMIC) and CASE open a block
	// that END closes, and semicolons inside belong to the body, as in psql.
	words     []string // the statement's first words, to recognise CREATE FUNCTION
	routine   bool
	depth     int
	wordCount int
}

func (sc *scanner) newStatement() {
	sc.words, sc.routine, sc.depth, sc.wordCount = nil, false, 0, 0
}

// nextSemicolon returns the position of the next statement-ending semicolon,
// or -1 at the end of the input.
func (sc *scanner) nextSemicolon() int {
	s := sc.src
	for sc.pos < len(s) {
		c := s[sc.pos]
		switch {
		case c == ';':
			sc.pos++
			if sc.depth == 0 {
				return sc.pos - 1
			}
		case c == '-' && strings.HasPrefix(s[sc.pos:], "--"):
			if nl := strings.IndexByte(s[sc.pos:], '\n'); nl >= 0 {
				sc.pos += nl + 1
			} else {
				sc.pos = len(s)
			}
		case c == '/' && strings.HasPrefix(s[sc.pos:], "/*"):
			sc.skipBlockComment()
		case c == '\'':
			sc.skipQuoted('\'', sc.pos > 0 && (s[sc.pos-1] == 'E' || s[sc.pos-1] == 'e') && !identByte(sc.before(2)))
		case c == '"':
			sc.skipQuoted('"', false)
		case c == '$':
			if !sc.skipDollarQuote() {
				sc.pos++
			}
		case identStart(c):
			sc.word()
		default:
			sc.pos++
		}
	}
	return -1
}

// before returns the byte n positions before pos, 0 at the start.
func (sc *scanner) before(n int) byte {
	if sc.pos-n < 0 {
		return 0
	}
	return sc.src[sc.pos-n]
}

func identStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func identByte(c byte) bool { return identStart(c) || c >= '0' && c <= '9' || c == '$' }

func (sc *scanner) word() {
	start := sc.pos
	for sc.pos < len(sc.src) && identByte(sc.src[sc.pos]) {
		sc.pos++
	}
	w := strings.ToUpper(sc.src[start:sc.pos])
	sc.wordCount++
	if sc.wordCount <= 4 {
		sc.words = append(sc.words, w)
		sc.routine = isRoutineStart(sc.words)
	}
	if !sc.routine {
		return
	}
	switch w {
	case "BEGIN", "CASE":
		sc.depth++
	case "END":
		if sc.depth > 0 {
			sc.depth--
		}
	}
}

func isRoutineStart(words []string) bool {
	if len(words) < 2 || words[0] != "CREATE" {
		return false
	}
	rest := words[1:]
	if len(rest) >= 2 && rest[0] == "OR" && rest[1] == "REPLACE" {
		rest = rest[2:]
	}
	return len(rest) > 0 && (rest[0] == "FUNCTION" || rest[0] == "PROCEDURE")
}

func (sc *scanner) skipBlockComment() {
	depth := 0
	for sc.pos < len(sc.src) {
		switch {
		case strings.HasPrefix(sc.src[sc.pos:], "/*"):
			depth++
			sc.pos += 2
		case strings.HasPrefix(sc.src[sc.pos:], "*/"):
			depth--
			sc.pos += 2
			if depth == 0 {
				return
			}
		default:
			sc.pos++
		}
	}
}

// skipQuoted skips a '...' string or "..." identifier; a doubled quote is an
// escaped one, and in an E'...' string so is a backslash-escaped one.
func (sc *scanner) skipQuoted(q byte, backslash bool) {
	sc.pos++
	for sc.pos < len(sc.src) {
		c := sc.src[sc.pos]
		switch {
		case backslash && c == '\\':
			sc.pos += 2
			continue
		case c == q:
			if sc.pos+1 < len(sc.src) && sc.src[sc.pos+1] == q {
				sc.pos += 2
				continue
			}
			sc.pos++
			return
		}
		sc.pos++
	}
	if sc.pos > len(sc.src) {
		sc.pos = len(sc.src)
	}
}

// skipDollarQuote skips $tag$...$tag$ if one starts at pos. A $ after an
// identifier character is part of the identifier, and $1 is a parameter.
func (sc *scanner) skipDollarQuote() bool {
	if identByte(sc.before(1)) {
		return false
	}
	s := sc.src
	end := sc.pos + 1
	for end < len(s) && s[end] != '$' {
		if !identStart(s[end]) && !(end > sc.pos+1 && s[end] >= '0' && s[end] <= '9') {
			return false
		}
		end++
	}
	if end >= len(s) {
		return false
	}
	tag := s[sc.pos : end+1]
	body := end + 1
	if close := strings.Index(s[body:], tag); close >= 0 {
		sc.pos = body + close + len(tag)
	} else {
		sc.pos = len(s)
	}
	return true
}

// commentOnly reports whether a statement holds nothing but comments
// (a "-- noop" Backward, say).
func commentOnly(stmt string) bool {
	for {
		stmt = strings.TrimSpace(stmt)
		switch {
		case stmt == "":
			return true
		case strings.HasPrefix(stmt, "--"):
			nl := strings.IndexByte(stmt, '\n')
			if nl < 0 {
				return true
			}
			stmt = stmt[nl+1:]
		case strings.HasPrefix(stmt, "/*"):
			sc := scanner{src: stmt}
			sc.skipBlockComment()
			stmt = stmt[sc.pos:]
		default:
			return false
		}
	}
}
