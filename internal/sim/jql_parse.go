package sim

import (
	"fmt"
	"strings"
)

// A small real parser for the JQL subset Vger sends. It produces a syntax tree; jql_eval.go binds
// field names and values and evaluates it. Errors carry JIRA's wording and positions so clients
// see the same 400s they would get from a real site.

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tString
	tLParen
	tRParen
	tComma
	tOp // = != < <= > >= ~ !~
)

type token struct {
	kind tokKind
	text string
	pos  int // 1-based character position
}

// jqlError is a JQL problem reported as a 400 with JIRA's error body.
type jqlError struct{ msg string }

func (e *jqlError) Error() string { return e.msg }

func errorf(format string, args ...any) error { return &jqlError{fmt.Sprintf(format, args...)} }

func lex(s string) ([]token, error) {
	var out []token
	r := []rune(s)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			out = append(out, token{tLParen, "(", i + 1})
			i++
		case c == ')':
			out = append(out, token{tRParen, ")", i + 1})
			i++
		case c == ',':
			out = append(out, token{tComma, ",", i + 1})
			i++
		case c == '"' || c == '\'':
			start := i
			var b strings.Builder
			i++
			for ; i < len(r) && r[i] != c; i++ {
				if r[i] == '\\' && i+1 < len(r) {
					i++
				}
				b.WriteRune(r[i])
			}
			if i >= len(r) {
				return nil, errorf("Error in the JQL Query: The quoted string '%s' has not been completed. (line 1, character %d)", string(r[start:]), start+1)
			}
			i++
			out = append(out, token{tString, b.String(), start + 1})
		case c == '=' || c == '~':
			out = append(out, token{tOp, string(c), i + 1})
			i++
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(r) && (r[i+1] == '=' || (c == '!' && r[i+1] == '~')) {
				out = append(out, token{tOp, string(r[i : i+2]), i + 1})
				i += 2
			} else if c == '!' {
				return nil, errorf("Error in the JQL Query: The character '!' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0021' instead. (line 1, character %d)", i+1)
			} else {
				out = append(out, token{tOp, string(c), i + 1})
				i++
			}
		default:
			start := i
			for i < len(r) && !strings.ContainsRune(" \t\r\n(),=!<>~\"'", r[i]) {
				i++
			}
			out = append(out, token{tWord, string(r[start:i]), start + 1})
		}
	}
	out = append(out, token{tEOF, "", len(r) + 1})
	return out, nil
}

// Syntax tree.
type (
	astNode interface{}
	astAnd  struct{ l, r astNode }
	astOr   struct{ l, r astNode }
	astNot  struct{ x astNode }
	astCmp  struct {
		field  string
		op     string // = != < <= > >= in "not in" is "is not" ~ !~
		values []astValue
		pos    int
	}
	astValue struct {
		text   string
		quoted bool
		fn     bool // a function call such as now()
		empty  bool // EMPTY / NULL
		pos    int
	}
	astOrder struct {
		field string
		desc  bool
	}
	astQuery struct {
		where astNode // nil when the query has no restriction
		order []astOrder
	}
)

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tWord && strings.EqualFold(t.text, w)
}

func parseJQL(s string) (*astQuery, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	q := &astQuery{}
	if !p.isWord("order") && p.peek().kind != tEOF {
		q.where, err = p.or()
		if err != nil {
			return nil, err
		}
	}
	if p.isWord("order") {
		p.next()
		if !p.isWord("by") {
			t := p.peek()
			return nil, errorf("Error in the JQL Query: Expecting 'by' but got '%s'. (line 1, character %d)", t.text, t.pos)
		}
		p.next()
		for {
			t := p.next()
			if t.kind != tWord && t.kind != tString {
				return nil, errorf("Error in the JQL Query: Expecting a field name but got '%s'. (line 1, character %d)", t.text, t.pos)
			}
			o := astOrder{field: t.text}
			if p.isWord("asc") {
				p.next()
			} else if p.isWord("desc") {
				p.next()
				o.desc = true
			}
			q.order = append(q.order, o)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errorf("Error in the JQL Query: Expecting either 'OR' or 'AND' but got '%s'. (line 1, character %d)", t.text, t.pos)
	}
	return q, nil
}

func (p *parser) or() (astNode, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.isWord("or") || (p.peek().kind == tWord && p.peek().text == "||") {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = astOr{l, r}
	}
	return l, nil
}

func (p *parser) and() (astNode, error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.isWord("and") || (p.peek().kind == tWord && p.peek().text == "&&") {
		p.next()
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = astAnd{l, r}
	}
	return l, nil
}

func (p *parser) not() (astNode, error) {
	if p.isWord("not") {
		p.next()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return astNot{x}, nil
	}
	if p.peek().kind == tLParen {
		p.next()
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if t := p.next(); t.kind != tRParen {
			return nil, errorf("Error in the JQL Query: Expecting ')' but got '%s'. (line 1, character %d)", t.text, t.pos)
		}
		return x, nil
	}
	return p.clause()
}

const validOps = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."

func (p *parser) clause() (astNode, error) {
	f := p.next()
	if f.kind != tWord && f.kind != tString {
		if f.kind == tEOF {
			return nil, errorf("Error in the JQL Query: Expecting a field name but reached the end of the query. (line 1, character %d)", f.pos)
		}
		return nil, errorf("Error in the JQL Query: Expecting a field name but got '%s'. (line 1, character %d)", f.text, f.pos)
	}
	c := astCmp{field: f.text, pos: f.pos}
	t := p.next()
	switch {
	case t.kind == tOp:
		c.op = t.text
	case t.kind == tWord && strings.EqualFold(t.text, "in"):
		c.op = "in"
	case t.kind == tWord && strings.EqualFold(t.text, "not") && p.isWord("in"):
		p.next()
		c.op = "not in"
	case t.kind == tWord && strings.EqualFold(t.text, "is"):
		c.op = "is"
		if p.isWord("not") {
			p.next()
			c.op = "is not"
		}
	case t.kind == tEOF:
		return nil, errorf("Error in the JQL Query: Expecting operator but reached the end of the query. %s (line 1, character %d)", validOps, t.pos)
	default:
		return nil, errorf("Error in the JQL Query: Expecting operator but got '%s'. %s (line 1, character %d)", t.text, validOps, t.pos)
	}
	if c.op == "in" || c.op == "not in" {
		if p.peek().kind != tLParen {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			if !v.fn {
				return nil, errorf("Error in the JQL Query: Expecting '(' but got '%s'. (line 1, character %d)", v.text, v.pos)
			}
			c.values = []astValue{v}
			return c, nil
		}
		p.next()
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.values = append(c.values, v)
			t := p.next()
			if t.kind == tRParen {
				break
			}
			if t.kind != tComma {
				return nil, errorf("Error in the JQL Query: Expecting ',' or ')' but got '%s'. (line 1, character %d)", t.text, t.pos)
			}
		}
		return c, nil
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	c.values = []astValue{v}
	return c, nil
}

func (p *parser) value() (astValue, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return astValue{text: t.text, quoted: true, pos: t.pos}, nil
	case tWord:
		if strings.EqualFold(t.text, "empty") || strings.EqualFold(t.text, "null") {
			return astValue{text: t.text, empty: true, pos: t.pos}, nil
		}
		for _, kw := range []string{"and", "or", "not", "order", "in", "is"} {
			if strings.EqualFold(t.text, kw) {
				return astValue{}, errorf("Error in the JQL Query: '%s' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character %d)", t.text, t.pos)
			}
		}
		if p.peek().kind == tLParen { // function call: name(args...)
			p.next()
			depth := 1
			for depth > 0 {
				n := p.next()
				switch n.kind {
				case tLParen:
					depth++
				case tRParen:
					depth--
				case tEOF:
					return astValue{}, errorf("Error in the JQL Query: Expecting ')' but reached the end of the query. (line 1, character %d)", n.pos)
				}
			}
			return astValue{text: t.text + "()", fn: true, pos: t.pos}, nil
		}
		return astValue{text: t.text, pos: t.pos}, nil
	case tEOF:
		return astValue{}, errorf("Error in the JQL Query: Expecting either a value, list or function but reached the end of the query. (line 1, character %d)", t.pos)
	default:
		return astValue{}, errorf("Error in the JQL Query: Expecting either a value, list or function but got '%s'. (line 1, character %d)", t.text, t.pos)
	}
}
