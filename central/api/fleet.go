package api

import "net/http"

// Fleet registers and decommissions devices for karta provision.
type Fleet interface{}

// fleetRoutes adds the device registration endpoints when Options.Fleet is set.
func (s *server) fleetRoutes(mux *http.ServeMux) {}
