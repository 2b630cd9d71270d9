package handlers

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// requestBody is the body of the request, decoded as its Content-Encoding
// says (none, or gzip), and cut at limit bytes after decoding: a declared
// length over the limit is refused before anything is read, and a body
// that turns out longer fails its read with a TooLarge error.
func requestBody(c *gin.Context, limit int64) (io.Reader, error) {
	if c.Request.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	raw := http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	encodings := c.Request.Header.Values("Content-Encoding")
	switch enc := strings.ToLower(strings.TrimSpace(strings.Join(encodings, ","))); enc {
	case "", "identity":
		return &limitedBody{r: raw, limit: limit}, nil
	case "gzip", "x-gzip":
		z, err := gzip.NewReader(raw)
		if err != nil {
			if isTooLarge(err) {
				return nil, tooLarge(limit)
			}
			return nil, malformed("Content-Encoding", "the body is not gzip data")
		}
		return &limitedBody{r: z, limit: limit}, nil
	default:
		return nil, models.FieldErrorf(models.Unsupported, "the body's Content-Encoding is not one this service reads", "Content-Encoding", "%q: send the body as it is, or gzip", clip(enc))
	}
}

// limitedBody fails once more than limit bytes come out of r, and turns
// the errors of reading a request body into ones a client can act on.
type limitedBody struct {
	r     io.Reader
	limit int64
	n     int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	switch {
	case b.n > b.limit || isTooLarge(err):
		return n, tooLarge(b.limit)
	case err != nil && !errors.Is(err, io.EOF):
		var me *models.Error
		if errors.As(err, &me) {
			return n, err
		}
		return n, malformed("body", "could not be read to its end: %v", err)
	}
	return n, err
}

func isTooLarge(err error) bool {
	var tooBig *http.MaxBytesError
	return errors.As(err, &tooBig)
}

func tooLarge(limit int64) error {
	return models.FieldErrorf(models.TooLarge, fmt.Sprintf("the body is larger than the limit of %d bytes", limit), "body", "at most %d bytes", limit)
}

// requireJSON refuses a body that does not say it is one of the JSON
// types the endpoint takes.
// A body sent without a Content-Type is read as JSON: some clients send
// none, and nothing else would be meant.
func requireJSON(c *gin.Context, types ...string) error {
	ct := c.ContentType()
	if ct == "" && strings.TrimSpace(c.GetHeader("Content-Type")) != "" {
		ct = c.GetHeader("Content-Type") // given, and not a media type at all
	}
	if ct != "" && !slices.Contains(types, ct) {
		return models.FieldErrorf(models.Unsupported, "the body must be JSON, and say so in Content-Type", "Content-Type", "%q: must be %s", clip(ct), strings.Join(types, " or "))
	}
	return nil
}

// clip shortens text a client sent before it is quoted back in an error,
// so that a 50 MB header does not come back as a 50 MB answer.
func clip(s string) string { return models.Clip(s) }
