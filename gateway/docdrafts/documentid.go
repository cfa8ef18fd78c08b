package docdrafts

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"zonetrace/chaincode/model"
)

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewDocumentID returns a document number of family (model.DocumentIDPattern): its two-letter prefix,
// the declaration date yyyymmdd in Asia/Shanghai and 8 random characters of
// [0-9A-Z], e.g. BL20260312K7Q2M9XA (18 characters; 36^8 ≈ 2.8e12 numbers
// per family and day, and the chaincode refuses a number that exists).
func NewDocumentID(family model.Family, now time.Time) (string, error) {
	info, ok := model.InfoOf(family)
	if !ok {
		return "", fmt.Errorf("draw document number: unknown family %q", family)
	}
	b := make([]byte, 8)
	max := big.NewInt(int64(len(idAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("draw document number: %w", err)
		}
		b[i] = idAlphabet[n.Int64()]
	}
	return info.Prefix + now.In(model.ZoneTime).Format("20060102") + string(b), nil
}
