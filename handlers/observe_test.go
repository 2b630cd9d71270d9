package handlers_test

import (
	"bytes"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"incidentdb/handlers"
)

func metricValue(tb testing.TB, a *api, series string) float64 {
	tb.Helper()
	res := a.do(tb, "GET", "/metrics", "", nil)
	for _, line := range strings.Split(string(res.body), "\n") {
		if strings.HasPrefix(line, series+" ") {
			v, err := strconv.ParseFloat(strings.TrimPrefix(line, series+" "), 64)
			if err != nil {
				tb.Fatal(err)
			}
			return v
		}
	}
	return 0
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	a := newAPI(t, handlers.Config{Version: "v9", Commit: "abc"})
	inc := a.create(t, seeds(t)[0])
	series := `incidentdb_http_requests_total{method="GET",route="/api/v1/incidents/:id",status="200"}`
	before := metricValue(t, a, series)
	for range 3 {
		a.do(t, "GET", "/api/v1/incidents/"+strconv.FormatInt(inc.ID, 10), "", nil)
	}
	a.do(t, "GET", "/api/v1/incidents.csv", "", nil)
	if after := metricValue(t, a, series); after-before != 3 {
		t.Errorf("GET by id counted %v times, want 3", after-before)
	}
	body := string(a.do(t, "GET", "/metrics", "", nil).body)
	for _, want := range []string{
		`incidentdb_incidents 1`, `incidentdb_build_info{commit="abc",version="v9"} 1`,
		`incidentdb_exchange_rows_total{direction="export",format="csv"} 1`,
		`go_sql_open_connections{db_name="writer"}`, `incidentdb_http_request_duration_seconds_bucket{method="GET",route="/api/v1/incidents/:id"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `route="/api/v1/incidents/1"`) {
		t.Error("a raw path became a label")
	}
}

func TestRequestIDsAreReturnedAndLogged(t *testing.T) {
	var logs bytes.Buffer
	a := newAPI(t, handlers.Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	res := a.do(t, "GET", "/api/v1/incidents", "", nil, "X-Request-ID", "proxy-42")
	if got := res.header.Get("X-Request-ID"); got != "proxy-42" {
		t.Errorf("X-Request-ID = %q, want the proxy's", got)
	}
	res = a.do(t, "GET", "/api/v1/incidents/999", a.reader, nil, "X-Request-ID", "bad id\twith spaces")
	id := res.header.Get("X-Request-ID")
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Errorf("made-up request id %q", id)
	}
	line := ""
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, id) {
			line = l
		}
	}
	for _, want := range []string{`"method":"GET"`, `"route":"/api/v1/incidents/:id"`, `"status":404`, `"key":"reader-key"`, `"duration":`, `"bytes":`} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %s", line, want)
		}
	}
}
