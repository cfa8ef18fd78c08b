// Package apierror is the one place where the gateway turns errors —
// chaincode rejections, ledger failures, store errors and validation
// problems — into HTTP statuses with a stable code and an English and a
// Chinese message (docs/api.md, "Errors").
package apierror

import "net/http"

// Code is a stable machine-readable error class of the HTTP API.
type Code string

const (
	BadRequest           Code = "BAD_REQUEST"
	ValidationFailed     Code = "VALIDATION_FAILED"
	Unauthenticated      Code = "UNAUTHENTICATED"
	Forbidden            Code = "FORBIDDEN"
	NotFound             Code = "NOT_FOUND"
	Conflict             Code = "CONFLICT"
	IdempotencyKeyReused Code = "IDEMPOTENCY_KEY_REUSED"
	// RequestInProgress: a request with the same idempotency key is still
	// being carried out; retry later with the same key.
	RequestInProgress Code = "REQUEST_IN_PROGRESS"
	PayloadTooLarge   Code = "PAYLOAD_TOO_LARGE"
	// TooManyAttempts: too many failed logins of this user from this address.
	TooManyAttempts Code = "TOO_MANY_ATTEMPTS"
	// TooManyRequests: an anonymous endpoint's rate per client address
	// (the public trace page) is used up; Retry-After says for how long.
	TooManyRequests Code = "TOO_MANY_REQUESTS"
	// PasswordChangeRequired: the user's password was set by an
	// administrator (or at first run); until the user changes it, only
	// POST /me/password, GET /auth/me and logout are allowed.
	PasswordChangeRequired Code = "PASSWORD_CHANGE_REQUIRED"
	// AccountDisabled: the zone admin disabled the user.
	AccountDisabled   Code = "ACCOUNT_DISABLED"
	LedgerUnavailable Code = "LEDGER_UNAVAILABLE"
	// DatabaseUnavailable: PostgreSQL cannot be reached; nothing was
	// changed that a retry (with the same Idempotency-Key) would repeat.
	DatabaseUnavailable Code = "DATABASE_UNAVAILABLE"
	Internal            Code = "INTERNAL"
)

type codeInfo struct {
	status    int
	message   string
	messageZh string
}

var codes = map[Code]codeInfo{
	BadRequest:             {http.StatusBadRequest, "malformed request", "请求格式错误"},
	ValidationFailed:       {http.StatusUnprocessableEntity, "validation failed", "输入校验未通过"},
	Unauthenticated:        {http.StatusUnauthorized, "not logged in or session expired", "未登录或登录已过期"},
	Forbidden:              {http.StatusForbidden, "not allowed", "无权执行此操作"},
	NotFound:               {http.StatusNotFound, "not found", "记录不存在"},
	Conflict:               {http.StatusConflict, "not allowed in the current state", "当前状态不允许此操作"},
	IdempotencyKeyReused:   {http.StatusConflict, "idempotency key already used for a different request", "幂等键已用于另一请求"},
	RequestInProgress:      {http.StatusConflict, "a request with this idempotency key is still in progress", "相同幂等键的请求仍在处理中，请稍后重试"},
	PayloadTooLarge:        {http.StatusRequestEntityTooLarge, "request body too large (at most 10 MiB)", "请求内容过大（不超过10 MiB）"},
	TooManyAttempts:        {http.StatusTooManyRequests, "too many failed logins, try again later", "登录失败次数过多，请稍后再试"},
	TooManyRequests:        {http.StatusTooManyRequests, "too many requests, try again later", "请求过于频繁，请稍后再试"},
	PasswordChangeRequired: {http.StatusForbidden, "change your password first", "请先修改密码"},
	AccountDisabled:        {http.StatusForbidden, "this account is disabled", "账号已停用，请联系管理员"},
	LedgerUnavailable:      {http.StatusServiceUnavailable, "ledger unavailable, retry later with the same Idempotency-Key", "区块链账本暂不可用，请稍后使用相同幂等键重试"},
	DatabaseUnavailable:    {http.StatusServiceUnavailable, "database unavailable, retry later with the same Idempotency-Key", "数据库暂不可用，请稍后使用相同幂等键重试"},
	Internal:               {http.StatusInternalServerError, "internal error", "系统内部错误"},
}

// Codes lists every code, for documentation.
func Codes() []Code {
	return []Code{BadRequest, ValidationFailed, Unauthenticated, Forbidden, NotFound, Conflict,
		IdempotencyKeyReused, RequestInProgress, PayloadTooLarge, TooManyAttempts, TooManyRequests,
		PasswordChangeRequired, AccountDisabled, LedgerUnavailable, DatabaseUnavailable, Internal}
}
