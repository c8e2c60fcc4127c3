package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
)

// csvWriter streams CSV with formula-leading cells neutralised: a cell
// starting with = + - @, a tab or a carriage return is prefixed with ' so
// spreadsheets show it as text instead of running it (CSV injection).
type csvWriter struct {
	w    *csv.Writer
	rows int
}

func newCSV(w http.ResponseWriter, filename string) *csvWriter {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\n", "", "\r", "").Replace(filename)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	return &csvWriter{w: csv.NewWriter(w)}
}

// SafeCell neutralises a cell that a spreadsheet would read as a formula.
// A negative number (a minus, digits, at most one decimal point) stays as
// it is: a spreadsheet reads it as the number, and a quoted one would be
// text.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if s[0] == '-' && negativeNumber(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// negativeNumber reports whether s is "-" then decimal digits with at
// most one decimal point between digits (-3, -0.3333).
func negativeNumber(s string) bool {
	digits, point := 0, false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point && digits > 0 && i < len(s)-1:
			point = true
		default:
			return false
		}
	}
	return digits > 0
}

func (c *csvWriter) Write(cells ...string) error {
	for i, s := range cells {
		cells[i] = SafeCell(s)
	}
	if err := c.w.Write(cells); err != nil {
		return err
	}
	c.rows++
	if c.rows%1000 == 0 {
		c.w.Flush() // stream: memory stays flat however many rows
	}
	return c.w.Error()
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

var _ io.Closer = (*csvWriter)(nil)
