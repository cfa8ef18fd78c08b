package gateway

import (
	"io/fs"
	"net/http"
	"strings"
)

// precompressed are the encodings the web build writes next to each
// compressible file (web/vite.config.js, precompress), best first: the
// gateway serves the stored copy instead of compressing per request.
var precompressed = []struct{ token, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// encodedVariant picks the precompressed copy of name that the request
// accepts, if the build wrote one: the file name to read and its
// Content-Encoding; otherwise name itself and "".
func encodedVariant(fsys fs.FS, name string, r *http.Request) (string, string) {
	accepted := acceptedEncodings(r.Header.Get("Accept-Encoding"))
	for _, p := range precompressed {
		if accepted[p.token] && isFile(fsys, name+p.suffix) {
			return name + p.suffix, p.token
		}
	}
	return name, ""
}

// acceptedEncodings reads an Accept-Encoding header: the codings listed
// without q=0 (RFC 9110 §12.5.3; "*" is not honoured, the identity always
// is).
func acceptedEncodings(header string) map[string]bool {
	out := map[string]bool{}
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		refused := false
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") && strings.Trim(strings.TrimSpace(v), "0.") == "" && v != "" {
				refused = true
			}
		}
		if coding != "" && !refused {
			out[strings.ToLower(coding)] = true
		}
	}
	return out
}
