package gates

import (
	"context"
	"regexp"
	"strings"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/apierror"
	"zonetrace/gateway/validation"
)

var gateIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// GateRequest registers a gate.
type GateRequest struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	X          int    `json:"x"`
	Y          int    `json:"y"`
	Directions string `json:"directions"`
	// PublicKey is the gate's Ed25519 public key, PEM or base64.
	PublicKey string `json:"publicKey"`
}

// Gates lists the registered gates, disabled ones included.
func (s *Service) Gates(ctx context.Context) ([]Gate, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+gateColumns+` FROM gates ORDER BY id`)
	if err != nil {
		return nil, wrap("list gates", err)
	}
	defer rows.Close()
	out := []Gate{}
	for rows.Next() {
		g, _, err := scanGate(rows)
		if err != nil {
			return nil, wrap("list gates", err)
		}
		out = append(out, g)
	}
	return out, wrap("list gates", rows.Err())
}

// Register is the zone admin registering a gate with its key.
func (s *Service) Register(ctx context.Context, u accounts.User, req GateRequest) (Gate, error) {
	var p validation.Problems
	if !gateIDPattern.MatchString(req.ID) {
		p.Add("id", "id must be 1-32 letters, digits, '_' or '-'", "卡口编号须为1至32位字母、数字、下划线或连字符")
	}
	if strings.TrimSpace(req.Name) == "" || model.CheckText("name", req.Name, model.RequiredSingleLine) != nil {
		p.Add("name", "name is required (at most 200 printable characters)", "卡口名称必填，且须为可见字符")
	}
	if req.X < 0 || req.X > 1000 {
		p.Add("x", "x must be 0-1000", "横坐标须在0至1000之间")
	}
	if req.Y < 0 || req.Y > 1000 {
		p.Add("y", "y must be 0-1000", "纵坐标须在0至1000之间")
	}
	if req.Directions != DirectionIn && req.Directions != DirectionOut && req.Directions != DirectionBoth {
		p.Add("directions", "directions must be in, out or both", "方向须为进、出或进出")
	}
	key, err := ParsePublicKey(req.PublicKey)
	if err != nil {
		p.Add("publicKey", "publicKey must be an Ed25519 public key (PEM or base64)", "公钥须为Ed25519公钥（PEM或Base64）")
	}
	if err := p.Err(); err != nil {
		return Gate{}, err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO gates (id, name, x, y, directions, public_key, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, req.ID, req.Name, req.X, req.Y, req.Directions, []byte(key), s.cfg.Now().UTC(), u.Username)
	if uniqueViolation(err) {
		return Gate{}, conflict(ReasonGateExists, "a gate of this id exists", "卡口编号已存在", model.Params{"gateId": req.ID})
	}
	if err != nil {
		return Gate{}, wrap("register gate", err)
	}
	g, _, err := loadGate(ctx, s.pool, req.ID)
	return g, wrap("load gate", err)
}

// Disable is the zone admin disabling a gate: its requests are refused
// from now on; its events stay.
func (s *Service) Disable(ctx context.Context, u accounts.User, id string) (Gate, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE gates SET disabled_at = coalesce(disabled_at, $2),
		disabled_by = CASE WHEN disabled_at IS NULL THEN $3 ELSE disabled_by END WHERE id = $1`, id, s.cfg.Now().UTC(), u.Username)
	if err != nil {
		return Gate{}, wrap("disable gate", err)
	}
	if tag.RowsAffected() == 0 {
		return Gate{}, apierror.Newf(apierror.NotFound, "no such gate", "卡口不存在")
	}
	g, _, err := loadGate(ctx, s.pool, id)
	return g, wrap("load gate", err)
}
