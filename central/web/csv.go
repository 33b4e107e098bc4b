package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
)

// csvWriter writes an attachment of comma-separated rows, defusing cells
// a spreadsheet would run as formulas.
type csvWriter struct{ c *csv.Writer }

func newCSV(w http.ResponseWriter, filename string, header ...string) *csvWriter {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	cw := &csvWriter{csv.NewWriter(w)}
	cw.row(header...)
	return cw
}

func (cw *csvWriter) row(cells ...string) { cw.c.Write(defuse(cells)) }

func (cw *csvWriter) flush() error {
	cw.c.Flush()
	return cw.c.Error()
}

// defuse prefixes with ' each cell a spreadsheet would read as a formula:
// devices name their own readers and reasons, and a hostile one could
// send "=HYPERLINK(…)". Numbers ("-3") stay numbers.
func defuse(cells []string) []string {
	for i, v := range cells {
		if v == "" || !strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			continue // most cells: no parsing (an export has millions)
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			cells[i] = "'" + v
		}
	}
	return cells
}
