package handlers

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"incidentdb/extract"
	"incidentdb/models"
)

// maxStatement bounds a statement: the longest the UN publishes is a few
// pages; a megabyte of text is not a statement, and reading it costs CPU.
const maxStatement = 256 << 10

type extractHandlers struct {
	now func() time.Time
}

// statement reads POST /extract: the text as text/plain, or JSON with
// text, url, published_on, language and title. Nothing is stored.
func (h *extractHandlers) statement(c *gin.Context) {
	if err := onlyParams(c); err != nil {
		writeError(c, err)
		return
	}
	ct := c.ContentType()
	if ct != "text/plain" && ct != "application/json" {
		writeError(c, models.FieldErrorf(models.Unsupported, "the statement must be text/plain, or JSON with its text", "Content-Type", "%q: must be text/plain or application/json", clip(ct)))
		return
	}
	body, err := readBody(c, maxStatement)
	if err != nil {
		writeError(c, err)
		return
	}
	if !utf8.Valid(body) {
		writeError(c, malformed("body", "is not valid UTF-8"))
		return
	}
	var st extract.Statement
	if ct == "application/json" {
		if err := models.DecodeStrict(body, &st); err != nil {
			writeError(c, err)
			return
		}
	} else {
		st.Text = string(body)
	}
	var fe models.FieldErrors
	field := "text"
	if ct == "text/plain" {
		field = "body"
	}
	if strings.TrimSpace(st.Text) == "" {
		fe.Add(field, "is empty: send the statement's text")
	}
	if st.Language != "" && st.Language != "en" && st.Language != "fr" {
		fe.Add("language", "%q: the extractor reads en and fr", clip(st.Language))
	}
	if st.PublishedOn != "" {
		if _, err := time.Parse(models.DateLayout, st.PublishedOn); err != nil {
			fe.Add("published_on", "%q must be a date as YYYY-MM-DD", clip(st.PublishedOn))
		}
	}
	if len(st.URL) > 2000 || len(st.Title) > 2000 {
		fe.Add("url", "and title are at most 2,000 bytes each")
	}
	if err := fe.Err("the statement cannot be read"); err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, extract.Extract(st, h.now()))
}
