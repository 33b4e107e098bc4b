package api

import "net/http"

// ReportStore is what the report endpoints read.
type ReportStore interface{}

// reportRoutes adds the report endpoints when Options.Reports is set.
func (s *server) reportRoutes(mux *http.ServeMux) {}
