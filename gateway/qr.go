package gateway

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	lru "github.com/hashicorp/golang-lru/v2"
	qrcode "github.com/skip2/go-qrcode"
)

// qrCacheSize bounds the QR images kept; a 1024-pixel image is a few KB,
// so the cache stays within a few MB.
const qrCacheSize = 1024

// qrCache keeps encoded QR images by payload and size: encoding one took
// about an eighth of the gateway's CPU under a read load (issue 14), and
// labels and pages ask for the same few again and again.
type qrCache struct{ images *lru.Cache[qrKey, qrImage] }

type qrKey struct {
	payload string
	size    int
}

type qrImage struct {
	png  []byte
	etag string
}

func newQRCache(size int) *qrCache {
	images, err := lru.New[qrKey, qrImage](size)
	if err != nil {
		panic(err) // only for size <= 0, a programming error
	}
	return &qrCache{images: images}
}

// image returns the PNG of payload at size pixels and its ETag, encoding
// it only the first time.
func (q *qrCache) image(payload string, size int) (qrImage, error) {
	key := qrKey{payload, size}
	if img, ok := q.images.Get(key); ok {
		return img, nil
	}
	png, err := qrcode.Encode(payload, qrcode.Medium, size)
	if err != nil {
		return qrImage{}, err
	}
	sum := sha256.Sum256(png)
	img := qrImage{png: png, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`}
	q.images.Add(key, img)
	return img, nil
}

// serveQR answers a QR code PNG of payload, or 304 when the browser holds
// the same image (If-None-Match). Only after the caller checked the user
// may see what the QR names, so a 304 tells nothing a 200 would not.
func (g *Gateway) serveQR(c *gin.Context, payload string, size int) {
	img, err := g.qrImages.image(payload, size)
	if err != nil {
		g.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Header("ETag", img.etag)
	if etagMatches(c.GetHeader("If-None-Match"), img.etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "image/png", img.png)
}

// etagMatches applies If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}
