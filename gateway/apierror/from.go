package apierror

import (
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"zonetrace/chaincode/model"
	"zonetrace/chaincode/model/zh"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/attachments"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/drafts"
	"zonetrace/gateway/identities"
	"zonetrace/gateway/submissions"
	"zonetrace/gateway/validation"
	"zonetrace/indexer/query"
	"zonetrace/network/ledger"
)

// From maps any error to an API error. Errors it does not know are
// INTERNAL: their text may hold details a client must not see, so it is
// kept only as the logged cause.
func From(err error) *Error {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr
	}
	var problems validation.Problems
	if errors.As(err, &problems) {
		return Invalid(problems...).WithCause(err)
	}
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		return New(PayloadTooLarge).WithCause(err)
	}
	var cc *ledger.ChaincodeError
	if errors.As(err, &cc) {
		return fromChaincode(cc)
	}
	// A refusal of the domain the gateway decided itself (off-chain
	// records such as gateway/warehouse), in the chaincode's own terms.
	var refusal *model.Error
	if errors.As(err, &refusal) {
		return fromModel(refusal).WithCause(err)
	}
	if databaseUnavailable(err) {
		return New(DatabaseUnavailable).WithCause(err)
	}
	switch {
	case errors.Is(err, accounts.ErrNotFound), errors.Is(err, drafts.ErrNotFound),
		errors.Is(err, attachments.ErrNotFound), errors.Is(err, submissions.ErrNotFound),
		errors.Is(err, docdrafts.ErrNotFound), errors.Is(err, query.ErrNotFound):
		return New(NotFound).WithCause(err)
	case errors.Is(err, query.ErrInvalidCursor):
		return cursorInvalid().WithCause(err)
	case errors.Is(err, query.ErrInvalidFilter):
		return Invalid(validation.Problem{Field: "query", Message: err.Error(), MessageZh: "查询条件无效"}).WithCause(err)
	case errors.Is(err, accounts.ErrBadCredentials):
		return Newf(Unauthenticated, "wrong username or password", "用户名或密码错误").WithCause(err)
	case errors.Is(err, accounts.ErrDisabled):
		return New(AccountDisabled).WithCause(err)
	case errors.Is(err, accounts.ErrSelf):
		return Newf(Conflict, "an administrator cannot disable itself or give up its own role", "管理员不能停用自己或取消自己的管理员角色").WithCause(err)
	case errors.Is(err, accounts.ErrUsernameTaken):
		return Newf(Conflict, "username already taken", "用户名已存在").WithCause(err)
	case errors.Is(err, drafts.ErrDeclared), errors.Is(err, docdrafts.ErrDeclared):
		return Newf(Conflict, "the draft was declared and can no longer change", "草单已申报，不能再修改、删除或重复申报").WithCause(err)
	case errors.Is(err, attachments.ErrTooLarge):
		return New(PayloadTooLarge).WithCause(err)
	case errors.Is(err, identities.ErrReadOnly):
		return Newf(Forbidden, "this role is read-only", "该角色只读，不能提交").WithCause(err)
	case errors.Is(err, ledger.ErrConflict), errors.Is(err, ledger.ErrEndorsement), errors.Is(err, ledger.ErrInvalidated):
		// Nothing was written: a retry with the same key may commit.
		return New(LedgerUnavailable).WithCause(err)
	}
	return New(Internal).WithCause(err)
}

// databaseUnavailable reports an error of PostgreSQL being unreachable or
// going away (refused or failed connections, a server shutting down or
// starting up, no free connection), as opposed to an answer to a query.
func databaseUnavailable(err error) bool {
	var connect *pgconn.ConnectError
	if errors.As(err, &connect) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// Class 08 connection exception; admin_shutdown, crash_shutdown,
		// cannot_connect_now; too_many_connections.
		return strings.HasPrefix(pg.Code, "08") || slices.Contains([]string{"57P01", "57P02", "57P03", "53300"}, pg.Code)
	}
	// A broken connection: nothing was sent (conn closed), it timed out, or
	// the socket failed.
	var netErr net.Error
	return pgconn.SafeToRetry(err) || pgconn.Timeout(err) || errors.As(err, &netErr) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, puddle.ErrClosedPool)
}

// Ledger maps an error of a ledger call: chaincode rejections by their code,
// anything else (unreachable, timed out, conflicted) as LEDGER_UNAVAILABLE,
// which is worth retrying with the same Idempotency-Key.
func Ledger(err error) *Error {
	var cc *ledger.ChaincodeError
	if errors.As(err, &cc) {
		return fromChaincode(cc)
	}
	return New(LedgerUnavailable).WithCause(err)
}

func fromChaincode(cc *ledger.ChaincodeError) *Error {
	parsed, ok := model.ParseError(cc.Message)
	if !ok {
		return New(Internal).WithCause(cc)
	}
	return fromModel(parsed).WithCause(cc)
}

// fromModel maps a refusal by its class; the Chinese is built from its
// reason and details, never from its English.
func fromModel(parsed *model.Error) *Error {
	var e *Error
	switch parsed.Code {
	case model.CodeInvalid:
		e = New(ValidationFailed)
	case model.CodeNotFound:
		e = New(NotFound)
	case model.CodeForbidden:
		e = New(Forbidden)
	default: // CONFLICT, and a DUPLICATE_REQUEST the caller did not resolve
		e = New(Conflict)
	}
	e.Message = parsed.Message
	e.MessageZh = zh.Error(parsed)
	e.Reason = string(parsed.Reason)
	e.Params = parsed.Params
	for _, p := range parsed.Problems {
		e.Details = append(e.Details, validation.From(p))
	}
	return e
}

// cursorInvalid answers a list's page cursor the API did not issue (edited,
// truncated, or from another list): a malformed request, with the reason
// so the UI can start again from the first page.
func cursorInvalid() *Error {
	refusal := model.Refuse(model.ReasonCursorInvalid, model.Params{"parameter": "cursor"}, "cursor is not one this API issued")
	e := New(BadRequest)
	e.Message, e.MessageZh = refusal.Message, zh.Error(refusal)
	e.Reason, e.Params = string(refusal.Reason), refusal.Params
	e.Details = []validation.Problem{{Field: "cursor", Message: e.Message, MessageZh: e.MessageZh}}
	return e
}
