// Package web holds the browser app (Vue 3 + Element Plus, sources in src/)
// and exposes its production build to the gateway, which serves it with an
// index.html fallback for client-side routes.
package web

import "embed"

// Dist is the output of `npm run build` (web/dist). The directory always
// exists because dist/README.md is committed, so the gateway compiles before
// the first build; it then serves only that README until the app is built.
//
//go:embed all:dist
var Dist embed.FS
