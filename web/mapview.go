package web

import (
	"context"
	"html/template"

	"incidentdb/models"
)

// mapView is the dashboard's map: the host country's outline, a circle
// per region sized by its killed, and the incidents that have
// coordinates as points.
type mapView struct {
	SVG     template.HTML
	Country string
}

func (a *App) fillMap(ctx context.Context, l *lang, f models.Filter, d *dashboardData) error {
	return nil
}
