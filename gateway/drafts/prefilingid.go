package drafts

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"time"
	"zonetrace/chaincode/model"
)

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewPrefilingID returns an id of model.PrefilingIDPattern: "PF" + yyyymmdd (Asia/Shanghai) + 8 random
// characters of [0-9A-Z] (36^8 ≈ 2.8e12 per day, so collisions are
// negligible; the chaincode refuses one anyway).
func NewPrefilingID(now time.Time) (string, error) {
	b := make([]byte, 8)
	max := big.NewInt(int64(len(idAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("draw prefiling id: %w", err)
		}
		b[i] = idAlphabet[n.Int64()]
	}
	return "PF" + now.In(model.ZoneTime).Format("20060102") + string(b), nil
}
