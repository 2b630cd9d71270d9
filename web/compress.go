package web

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// Pages and styles go out gzipped when the browser takes it: a mission's
// link is slow, and HTML with SVG shrinks to a fifth.

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// minCompressed is below what a gzip header and a round trip are worth.
const minCompressed = 1024

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func writeCompressed(c *gin.Context, status int, contentType string, body []byte) {
	c.Header("Vary", "Cookie, Accept-Language, Accept-Encoding")
	if len(body) < minCompressed || !acceptsGzip(c.Request) {
		c.Data(status, contentType, body)
		return
	}
	var b bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&b)
	_, _ = zw.Write(body)
	_ = zw.Close()
	gzipWriters.Put(zw)
	c.Header("Content-Encoding", "gzip")
	c.Data(status, contentType, b.Bytes())
}

type staticFile struct {
	contentType string
	body        []byte
}

// compressStatic gzips the embedded files once, at start.
func compressStatic(files fs.FS) map[string]staticFile {
	out := map[string]staticFile{}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(files, p)
		if err != nil || len(raw) < minCompressed {
			return err
		}
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(raw)
		_ = zw.Close()
		out[p] = staticFile{contentType: mime.TypeByExtension(path.Ext(p)), body: b.Bytes()}
		return nil
	})
	return out
}
