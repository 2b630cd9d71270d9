package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type    string              `json:"type"`
	Title   string              `json:"title"`
	Status  int                 `json:"status"`
	Detail  string              `json:"detail,omitempty"`
	Errors  []models.FieldError `json:"errors,omitempty"`
	Current *int                `json:"current_version,omitempty"`
}

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[models.Code]int{
	models.Invalid:          http.StatusUnprocessableEntity,
	models.Malformed:        http.StatusBadRequest,
	models.NotFound:         http.StatusNotFound,
	models.Conflict:         http.StatusConflict,
	models.Precondition:     http.StatusPreconditionFailed,
	models.TooLarge:         http.StatusRequestEntityTooLarge,
	models.Unsupported:      http.StatusUnsupportedMediaType,
	models.MethodNotAllowed: http.StatusMethodNotAllowed,
	models.StorageFull:      http.StatusInsufficientStorage,
	models.Unauthorized:     http.StatusUnauthorized,
	models.Forbidden:        http.StatusForbidden,
	models.Internal:         http.StatusInternalServerError,
}

const problemType = "urn:incidentdb:problem:"

// writeError answers with problem JSON. Internal errors are logged with
// their cause and answered with a generic text: SQL, paths and stack
// traces stay on the server.
func writeError(c *gin.Context, err error) {
	var me *models.Error
	if errors.As(err, &me) && me.Code != models.Internal {
		status := statusOf[me.Code]
		p := Problem{Type: problemType + string(me.Code), Title: http.StatusText(status), Status: status,
			Detail: me.Message, Errors: me.Fields}
		if me.Code == models.Precondition {
			p.Current = &me.Current
			c.Header("ETag", etag(me.Current))
		}
		if me.Code == models.Unauthorized {
			c.Header("WWW-Authenticate", `Bearer realm="incidentdb"`)
		}
		writeProblem(c, p)
		return
	}
	if c.Request.Context().Err() != nil {
		// The client went away; nobody is left to answer.
		c.Abort()
		return
	}
	slog.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method,
		"path", c.FullPath(), "error", err)
	writeProblem(c, Problem{Type: problemType + string(models.Internal), Title: http.StatusText(500), Status: 500,
		Detail: "the server failed to answer this request; it has been logged"})
}

func writeProblem(c *gin.Context, p Problem) {
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(p.Status, p)
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

func malformed(field, format string, args ...any) error {
	return models.Malformedf(field, format, args...)
}
