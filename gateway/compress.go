package gateway

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
)

// compressMinSize is the smallest answer worth compressing: below about a
// packet, gzip's header and the CPU cost more than the bytes saved.
const compressMinSize = 1024

// compressAnswers gzips the API's JSON and text answers of compressMinSize
// bytes or more for clients that accept gzip. Images, PDF, spreadsheets and
// archives are compressed already and pass as they are, as does the
// notification stream (text/event-stream: each event must reach the
// browser when flushed) and whatever already carries a Content-Encoding
// (the web app's precompressed files, web_encoding.go). Compressed request
// bodies are not accepted: the body limits count what arrives.
func compressAnswers(h http.Handler) (http.Handler, error) {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(compressMinSize),
		// The fastest level: API answers are small and repetitive, so it
		// keeps most of the saving at a fraction of the default level's
		// CPU, which was 5 % of the node's under a read load.
		gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.ContentTypeFilter(compressible),
		gzhttp.EnableZstd(false),
		gzhttp.AllowCompressedRequests(false),
	)
	if err != nil {
		return nil, fmt.Errorf("compressed answers: %w", err)
	}
	return wrap(h), nil
}

// compressible says whether answers of content type ct are worth
// compressing.
func compressible(ct string) bool {
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch {
	case mediaType == "text/event-stream":
		return false
	case strings.HasPrefix(mediaType, "text/"):
		return true
	case mediaType == "application/json", strings.HasSuffix(mediaType, "+json"),
		mediaType == "application/xml", strings.HasSuffix(mediaType, "+xml"),
		mediaType == "application/javascript", mediaType == "image/svg+xml":
		return true
	}
	return false
}
