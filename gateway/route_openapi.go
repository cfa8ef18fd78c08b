package gateway

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"zonetrace/chaincode/model"
	"zonetrace/gateway/accounts"
	"zonetrace/gateway/docdrafts"
	"zonetrace/gateway/openapi"
	"zonetrace/gateway/receipts"
	"zonetrace/gateway/service/accounting"
	"zonetrace/gateway/service/cockpit"
	"zonetrace/gateway/service/documents"
	"zonetrace/gateway/service/enterprises"
	"zonetrace/gateway/service/externalreceipts"
	"zonetrace/gateway/service/lookups"
	"zonetrace/gateway/service/materials"
	"zonetrace/gateway/service/prefilings"
	"zonetrace/gateway/service/publictrace"
	"zonetrace/gateway/service/readmarks"
	"zonetrace/gateway/service/rules"
	"zonetrace/gateway/service/workqueue"
	"zonetrace/indexer/query"
)

var pageQuery = []openapi.Param{
	{Name: "page", Type: "integer", Description: "1-based page"},
	{Name: "pageSize", Type: "integer", Description: "1-200, default 20"},
}

// cursorQuery pages the document and prefiling lists by keyset (deep pages).
var cursorQuery = openapi.Param{Name: "cursor", Type: "string",
	Description: "the next or prev of an earlier page: the page after or before it, instead of page (400 CURSOR_INVALID if edited)"}

// apiOperations documents every route; a test holds it equal to the
// router's routes.
func apiOperations() []openapi.Operation {
	const v1 = APIPrefix
	pf := query.PrefilingView{}
	doc := query.DocumentView{}
	return append([]openapi.Operation{
		{Method: "GET", Path: "/healthz", Tag: "operations", Summary: "Process alive", Public: true, Status: 200, Response: map[string]string{}},
		{Method: "GET", Path: "/readyz", Tag: "operations", Summary: "Readiness checks: database, ledger, indexer (lag, parked block) and configured ones", Public: true, Status: 200, Response: readiness{}},
		{Method: "GET", Path: "/metrics", Tag: "operations", Summary: "Prometheus metrics", Public: true, Status: 200, Content: "text/plain"},
		{Method: "GET", Path: v1 + "/openapi.json", Tag: "operations", Summary: "This document", Public: true, Status: 200, Response: map[string]any{}},

		{Method: "POST", Path: v1 + "/auth/login", Tag: "auth", Summary: "Log in", Public: true, Request: loginRequest{}, Status: 200, Response: loginResponse{}},
		{Method: "POST", Path: v1 + "/auth/logout", Tag: "auth", Summary: "Log out (revoke the token)", Status: 204},
		{Method: "GET", Path: v1 + "/auth/me", Tag: "auth", Summary: "The logged-in user", Status: 200, Response: userJSON{}},
		{Method: "POST", Path: v1 + "/me/password", Tag: "auth", Summary: "Change the own password (422 on currentPassword when wrong, on newPassword when the policy refuses it); other sessions of the user end", Request: changePasswordRequest{}, Status: 204},

		{Method: "POST", Path: v1 + "/enterprises", Tag: "enterprises", Summary: "Register an enterprise, issue and bind its identity (zone_admin)", Idempotent: true, Request: enterprises.Registration{}, Status: 201, Response: model.Enterprise{}},
		{Method: "GET", Path: v1 + "/enterprises", Tag: "enterprises", Summary: "List enterprises", Status: 200, Response: enterpriseList{}},
		{Method: "GET", Path: v1 + "/enterprises/{id}", Tag: "enterprises", Summary: "An enterprise with its bound identities", Status: 200, Response: enterprises.Profile{}},
		{Method: "PUT", Path: v1 + "/enterprises/{id}", Tag: "enterprises", Summary: "Edit an enterprise's name, kind and customs code on the ledger (zone_admin)", Idempotent: true, Request: enterprises.Edit{}, Status: 200, Response: model.Enterprise{}},
		{Method: "POST", Path: v1 + "/enterprises/{id}/disable", Tag: "enterprises", Summary: "Disable an enterprise: the ledger refuses its identities (ENTERPRISE_DISABLED), its users cannot log in (zone_admin)", Idempotent: true, Request: noBody{}, Status: 200, Response: model.Enterprise{}},
		{Method: "POST", Path: v1 + "/enterprises/{id}/enable", Tag: "enterprises", Summary: "Enable a disabled enterprise (zone_admin)", Idempotent: true, Request: noBody{}, Status: 200, Response: model.Enterprise{}},
		{Method: "POST", Path: v1 + "/users", Tag: "users", Summary: "Create a user (zone_admin)", Idempotent: true, Request: createUserRequest{}, Status: 201, Response: userJSON{}},
		{Method: "GET", Path: v1 + "/users", Tag: "users", Summary: "Search users by username", Query: append([]openapi.Param{
			{Name: "q", Type: "string", Description: "part of the username or display name"}, {Name: "role", Type: "string", Enum: roleNames()},
			{Name: "enterpriseId", Type: "string"}, {Name: "disabled", Type: "boolean", Description: "only disabled (true) or enabled (false) users"},
		}, pageQuery...), Status: 200, Response: userPage{}},
		{Method: "PUT", Path: v1 + "/users/{username}", Tag: "users", Summary: "Edit a user's display name, role and enterprise (zone_admin; 409 when demoting oneself)", Idempotent: true, Request: accounts.UserProfile{}, Status: 200, Response: userJSON{}},
		{Method: "POST", Path: v1 + "/users/{username}/disable", Tag: "users", Summary: "Disable a user: no more logins, its sessions end (zone_admin; 409 on oneself)", Idempotent: true, Request: noBody{}, Status: 200, Response: userJSON{}},
		{Method: "POST", Path: v1 + "/users/{username}/enable", Tag: "users", Summary: "Enable a disabled user (zone_admin)", Idempotent: true, Request: noBody{}, Status: 200, Response: userJSON{}},
		{Method: "POST", Path: v1 + "/users/{username}/password-reset", Tag: "users", Summary: "Set a temporary password (password policy applies) the user must change at next login; its sessions end and its login locks clear (zone_admin)", Idempotent: true, Request: resetPasswordRequest{}, Status: 200, Response: userJSON{}},
		{Method: "POST", Path: v1 + "/users/{username}/unlock", Tag: "users", Summary: "Clear the login locks of a user (zone_admin)", Request: noBody{}, Status: 204},

		{Method: "GET", Path: v1 + "/prefiling-drafts", Tag: "prefiling drafts", Summary: "Undeclared drafts of the own enterprise, newest update first",
			Query: append([]openapi.Param{{Name: "q", Type: "string", Description: "product name, HS code, exporter, batch or material number"}}, pageQuery...), Status: 200, Response: draftPage{}},
		{Method: "POST", Path: v1 + "/prefiling-drafts", Tag: "prefiling drafts", Summary: "Create a draft", Idempotent: true, Request: draftRequest{}, Status: 201, Response: draftJSON{}},
		{Method: "GET", Path: v1 + "/prefiling-drafts/{id}", Tag: "prefiling drafts", Summary: "A draft", Status: 200, Response: draftJSON{}},
		{Method: "PUT", Path: v1 + "/prefiling-drafts/{id}", Tag: "prefiling drafts", Summary: "Replace a draft's data (409 once declared)", Idempotent: true, Request: draftRequest{}, Status: 200, Response: draftJSON{}},
		{Method: "DELETE", Path: v1 + "/prefiling-drafts/{id}", Tag: "prefiling drafts", Summary: "Delete a draft, recording time and user (409 once declared)", Idempotent: true, Status: 204},
		{Method: "POST", Path: v1 + "/prefiling-drafts/{id}/copy", Tag: "prefiling drafts", Summary: "Copy a draft (attachments and quarantine result cleared)", Idempotent: true, Status: 201, Response: draftJSON{}},
		{Method: "POST", Path: v1 + "/prefiling-drafts/{id}/declare", Tag: "prefiling drafts", Summary: "Declare a complete draft on the ledger (422 with details when incomplete or listing a file the enterprise did not upload)", Idempotent: true, Status: 201, Response: pf},

		{Method: "GET", Path: v1 + "/prefilings", Tag: "prefilings", Summary: "Search prefilings (enterprises see their own)", Query: append(append(prefilingQuery(), pageQuery...), cursorQuery), Status: 200, Response: query.PrefilingPage{}},
		{Method: "GET", Path: v1 + "/prefilings/{id}", Tag: "prefilings", Summary: "A prefiling with its history (another enterprise's is 403)", Status: 200, Response: pf},
		{Method: "POST", Path: v1 + "/prefilings/{id}/review", Tag: "prefilings", Summary: "Approve or return a declared prefiling (customs)", Idempotent: true, Request: prefilings.Review{}, Status: 200, Response: pf},
		{Method: "POST", Path: v1 + "/prefilings/{id}/supplement", Tag: "prefilings", Summary: "Declare a supplement of an approved prefiling (owning enterprise)", Idempotent: true, Request: model.SupplementData{}, Status: 200, Response: pf},
		{Method: "POST", Path: v1 + "/prefilings/{id}/supplement/review", Tag: "prefilings", Summary: "Approve or return a supplement (customs)", Idempotent: true, Request: prefilings.Review{}, Status: 200, Response: pf},
		{Method: "POST", Path: v1 + "/prefilings/{id}/copy-to-draft", Tag: "prefilings", Summary: "Copy a prefiling into a new draft", Idempotent: true, Status: 201, Response: draftJSON{}},

		{Method: "GET", Path: v1 + "/trace-codes/{code}", Tag: "trace codes", Summary: "A trace code with its prefiling and public URI", Status: 200, Response: traceCodeView{}},
		{Method: "GET", Path: v1 + "/trace-codes/{code}/history", Tag: "trace codes", Summary: "A batch's whole history: prefiling, documents with their lines of the batch, steps and tags, movements, gate events, holders with weight per status, the chain A→B→… (customs; enterprises that were issued or held the batch, without other parties' commercial data)",
			Query:  []openapi.Param{{Name: "view", Type: "string", Enum: []string{"entry_exit", "transfers", "conversions", "pass_through"}, Description: "keep only these movements and their documents"}},
			Status: 200, Response: query.TraceHistory{Documents: []query.DocumentView{}, Movements: []model.Movement{{From: &model.Holding{}, To: &model.Holding{}}}}},
		{Method: "GET", Path: v1 + "/traces", Tag: "trace codes", Summary: "Trace views over batches: feature traces, high value, high risk, search by material no., tag, document, vehicle plate, movement kind and time (enterprises: batches they were issued or held)",
			Query: append(traceQuery(), pageQuery...), Status: 200, Response: query.TracePage{}},
		{Method: "GET", Path: v1 + "/trace-codes/{code}/qr.png", Tag: "trace codes", Summary: "QR code (PNG) of the trace code's public URI",
			Query: []openapi.Param{{Name: "size", Type: "integer", Description: "pixels, 128-1024, default 256"}}, Status: 200, Content: "image/png"},
		{Method: "GET", Path: v1 + "/trace-codes/{code}/epcis", Tag: "trace codes", Summary: "The batch's history as an EPCIS 2.0 JSON-LD EPCISDocument (customs, the owner, or an enterprise that held it)",
			Status: 200, Content: "application/ld+json"},
		{Method: "GET", Path: v1 + "/public/trace/{code}", Tag: "trace codes", Summary: "Public facts of a trace code, anonymous; rate-limited per client address (429 with Retry-After), ETag and Cache-Control",
			Public: true, Status: 200, Response: publictrace.View{}},
		{Method: "GET", Path: "/01/{gtin}/10/{lot}", Tag: "trace codes", Summary: "The public trace page (HTML) at the GS1 Digital Link URI a trace QR encodes; rate-limited like its JSON",
			Public: true, Status: 200, Content: "text/html"},
		{Method: "GET", Path: v1 + "/materials/{materialNo}", Tag: "materials", Summary: "Batches declared under a material number (an enterprise: its own)",
			Query: []openapi.Param{{Name: "enterpriseId", Type: "string", Description: "customs: only this enterprise's batches"}}, Status: 200, Response: materials.Material{}},
		{Method: "GET", Path: v1 + "/materials/{materialNo}/qr.png", Tag: "materials", Summary: "QR code (PNG) of the material number's app page",
			Query: []openapi.Param{{Name: "enterpriseId", Type: "string"}, {Name: "size", Type: "integer", Description: "pixels, 128-1024, default 256"}}, Status: 200, Content: "image/png"},
		{Method: "GET", Path: v1 + "/trace-codes/{code}/line-defaults", Tag: "trace codes", Summary: "Product name, HS code, origin, material no. and unit price a document line takes from the code's prefiling (an enterprise: codes it declared or holds; others 404)", Status: 200, Response: lookups.LineDefaults{}},
		{Method: "GET", Path: v1 + "/counterparties", Tag: "enterprises", Summary: "Active enterprises other than the own whose name or credit code contains q: id and name only, at most 20",
			Query: []openapi.Param{{Name: "q", Type: "string", Description: "part of the name or credit code"}}, Status: 200, Response: counterpartyList{}},

		{Method: "GET", Path: v1 + "/receipts", Tag: "receipts", Summary: "Receipts of the own enterprise, newest first, with read marks", Query: append([]openapi.Param{
			{Name: "documentId", Type: "string"}, {Name: "unread", Type: "boolean", Description: "only receipts not yet read"},
		}, pageQuery...), Status: 200, Response: readmarks.Page{}},
		{Method: "POST", Path: v1 + "/receipts/{id}/read", Tag: "receipts", Summary: "Mark a receipt read", Idempotent: true, Status: 200, Response: readmarks.Receipt{}},
		{Method: "GET", Path: v1 + "/webhook", Tag: "receipts", Summary: "The own enterprise's webhook (the secret is never shown)", Status: 200, Response: receipts.Webhook{}},
		{Method: "PUT", Path: v1 + "/webhook", Tag: "receipts", Summary: "Configure the webhook receipts are POSTed to, signed with X-ZoneTrace-Signature: sha256=<hex HMAC-SHA256(secret, body)>; a secret is required the first time", Idempotent: true, Request: webhookRequest{}, Status: 200, Response: receipts.Webhook{}},
		{Method: "GET", Path: v1 + "/webhook/deliveries", Tag: "receipts", Summary: "Delivery log of the webhook, newest first", Query: pageQuery, Status: 200, Response: deliveryPage{}},
		{Method: "POST", Path: v1 + "/external-receipts", Tag: "receipts", Summary: "A customs receipt (national XML INV201/INV202/INV211, SAS211–213, SAS221–224 or CommonResponeMessage, UTF-8 or GBK; or JSON ExternalReceipt + documentId), applied to its document (customs; 404 when no document is known yet, the receipt is kept)", Idempotent: true, Request: externalreceipts.JSONReceipt{}, Status: 202, Response: externalreceipts.Outcome{}},

		{Method: "POST", Path: v1 + "/attachments", Tag: "attachments", Summary: "Upload a PDF, PNG or JPEG (≤ 10 MiB), content-addressed", Multipart: true, Status: 201, Response: uploadedAttachment{}},
		{Method: "GET", Path: v1 + "/attachments/{sha256}", Tag: "attachments", Summary: "Download an attachment", Status: 200, Content: "application/octet-stream"},

		{Method: "GET", Path: v1 + "/document-templates", Tag: "document drafts", Summary: "One template per family and business type", Status: 200, Response: templateList{}},
		{Method: "GET", Path: v1 + "/document-drafts", Tag: "document drafts", Summary: "Document drafts of the own enterprise, newest update first", Query: append(draftQuery(), pageQuery...), Status: 200, Response: docDraftPage{}},
		{Method: "POST", Path: v1 + "/document-drafts", Tag: "document drafts", Summary: "Create a draft (temp-save: may be incomplete)", Idempotent: true, Request: docdrafts.Content{}, Status: 201, Response: docDraftJSON{}},
		{Method: "GET", Path: v1 + "/document-drafts/template.xlsx", Tag: "document drafts", Summary: "Excel template (head sheet 表头, lines sheet 表体 with a hidden key row)", Query: templateQuery, Status: 200, Content: xlsxType},
		{Method: "POST", Path: v1 + "/document-drafts/import", Tag: "document drafts", Summary: "Import a filled template as one draft, all or nothing (422 IMPORT_FAILED with every bad row); form fields family, businessType", Idempotent: true, Multipart: true, Status: 201, Response: docDraftJSON{}},
		{Method: "GET", Path: v1 + "/document-drafts/export.xlsx", Tag: "document drafts", Summary: "Excel of the drafts matching the list filters (at most 1000) and their lines", Query: draftQuery(), Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/document-drafts/pickable-lines", Tag: "document drafts", Summary: "Lines of earlier drafts and documents with the stock still available", Query: append(append([]openapi.Param{}, templateQuery...),
			openapi.Param{Name: "traceCode", Type: "string"}, openapi.Param{Name: "q", Type: "string", Description: "product name, trace code or material number"}), Status: 200, Response: pickableList{}},
		{Method: "GET", Path: v1 + "/document-drafts/{id}", Tag: "document drafts", Summary: "A draft", Status: 200, Response: docDraftJSON{}},
		{Method: "PUT", Path: v1 + "/document-drafts/{id}", Tag: "document drafts", Summary: "Replace a draft (409 once declared)", Idempotent: true, Request: docdrafts.Content{}, Status: 200, Response: docDraftJSON{}},
		{Method: "DELETE", Path: v1 + "/document-drafts/{id}", Tag: "document drafts", Summary: "Delete a draft, recording time and user (409 once declared)", Idempotent: true, Status: 204},
		{Method: "POST", Path: v1 + "/document-drafts/{id}/copy", Tag: "document drafts", Summary: "Copy a draft without its trace codes", Idempotent: true, Status: 201, Response: docDraftJSON{}},
		{Method: "POST", Path: v1 + "/document-drafts/{id}/declare", Tag: "document drafts", Summary: "Declare a complete draft (422 with details such as lines[3].traceCode)", Idempotent: true, Status: 201, Response: doc},

		{Method: "GET", Path: v1 + "/documents", Tag: "documents", Summary: "Search documents, tagged first (enterprises see what they declared or are counterparty of)", Query: append(append(documentQuery(), pageQuery...), cursorQuery), Status: 200, Response: query.DocumentPage{}},
		{Method: "GET", Path: v1 + "/documents/{id}", Tag: "documents", Summary: "A document with its history and movements (another enterprise's is 403)", Status: 200, Response: documents.Detail{}},
		{Method: "POST", Path: v1 + "/documents/{id}/review", Tag: "documents", Summary: "Approve, return or send to manual review (customs)", Idempotent: true, Request: documents.Decision{}, Status: 200, Response: doc},
		{Method: "POST", Path: v1 + "/documents/{id}/gate-pass", Tag: "documents", Summary: "Record the gate crossing of an approved zone entry/exit document (zone_admin)", Idempotent: true, Request: noBody{}, Status: 200, Response: doc},
		{Method: "POST", Path: v1 + "/documents/{id}/deletion", Tag: "documents", Summary: "Request the deletion of a document (declarant)", Idempotent: true, Request: deletionBody{}, Status: 200, Response: doc},
		{Method: "POST", Path: v1 + "/documents/{id}/deletion/confirm", Tag: "documents", Summary: "Confirm a deletion (transferee)", Idempotent: true, Request: noBody{}, Status: 200, Response: doc},
		{Method: "POST", Path: v1 + "/documents/{id}/deletion/review", Tag: "documents", Summary: "Approve or reject a deletion (customs)", Idempotent: true, Request: documents.Decision{}, Status: 200, Response: doc},
		{Method: "POST", Path: v1 + "/documents/{id}/tags", Tag: "documents", Summary: "Set a manual tag of a catalogue code, with a reason (customs)", Idempotent: true, Request: documents.TagRequest{}, Status: 200, Response: doc},
		{Method: "DELETE", Path: v1 + "/documents/{id}/tags/{code}", Tag: "documents", Summary: "Remove every tag of a code, model's or manual, with a reason (customs)", Idempotent: true, Request: documents.ReasonRequest{}, Status: 200, Response: doc},
		{Method: "POST", Path: v1 + "/documents/{id}/release", Tag: "documents", Summary: "Release the reservation of an approved document whose goods will not move; voids it (customs)", Idempotent: true, Request: documents.ReasonRequest{}, Status: 200, Response: doc},
		{Method: "POST", Path: v1 + "/documents/{id}/consolidation", Tag: "documents", Summary: "Report bonded transfer legs in this consolidated or transfer checklist (已集报; declarant)", Idempotent: true, Request: documents.ConsolidationRequest{}, Status: 200, Response: doc},
		{Method: "GET", Path: v1 + "/documents/export.xlsx", Tag: "documents", Summary: "Excel of the documents matching the list filters (at most 5000) and their lines", Query: documentQuery(), Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/prefilings/export.xlsx", Tag: "prefilings", Summary: "Excel of the prefilings matching the list filters (at most 5000)", Query: prefilingQuery(), Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/work-queue", Tag: "work queue", Summary: "What waits for customs, oldest first: declared prefilings and supplements, declared platform-reviewed documents, manual reviews (with the rule that sent them), deletion requests (customs)", Query: append([]openapi.Param{
			{Name: "kind", Type: "string", Description: "comma-separated kinds: " + queueKindNames()},
		}, pageQuery...), Status: 200, Response: query.QueuePage{Items: []query.QueueItem{{Rule: &model.RuleRef{}}}}},
		{Method: "GET", Path: v1 + "/cockpit/overview", Tag: "cockpit", Summary: "The supervision cockpit for a year: imports and exports per month, main origins, importer and foreign exporter rankings, enterprises' inbound/outbound tickets, stock now (customs, zone admin)", Query: []openapi.Param{
			{Name: "year", Type: "integer", Description: "calendar year, zone time (default: this year)"},
			{Name: "limit", Type: "integer", Description: "entries per ranking and stock list, 1–50 (default 10)"},
		}, Status: 200, Response: cockpit.Overview{}},
		{Method: "GET", Path: v1 + "/cockpit/prices", Tag: "cockpit", Summary: "Import price scatter: per day, origin and HS code the imported weight, value and average unit price (fen/kg) (customs, zone admin)", Query: []openapi.Param{
			{Name: "from", Type: "string", Description: "first day YYYY-MM-DD (default: 90 days up to to)"},
			{Name: "to", Type: "string", Description: "last day YYYY-MM-DD (default: today); at most 366 days"},
		}, Status: 200, Response: cockpit.Prices{}},
		{Method: "GET", Path: v1 + "/work-queue/counts", Tag: "work queue", Summary: "Number of waiting items per kind and in all (customs)", Status: 200, Response: workqueue.Counts{}},
		{Method: "GET", Path: v1 + "/badges", Tag: "work queue", Summary: "The menu's counts for the current user: customs' queue counts, an enterprise's unread receipts and incoming transfers", Status: 200, Response: workqueue.Badges{WorkQueue: &workqueue.Counts{}}},
		{Method: "GET", Path: v1 + "/transfers/incoming", Tag: "documents", Summary: "Approved out legs naming the enterprise as transferee, each with its in-draft (made on first listing)", Status: 200, Response: incomingList{}},
		{Method: "GET", Path: v1 + "/balances", Tag: "documents", Summary: "Stock per trace code, enterprise and customs status (enterprises: their own), keyset paged by trace code, enterprise, bonded first", Query: []openapi.Param{
			{Name: "traceCode", Type: "string"}, {Name: "enterpriseId", Type: "string", Description: "ignored for enterprises"}, {Name: "bonded", Type: "boolean"},
			{Name: "after", Type: "string", Description: "the next of the previous page"}, {Name: "limit", Type: "integer", Description: "1-1000, default 200"},
		}, Status: 200, Response: query.BalancePage{Items: []query.BalanceView{{}}}},
		{Method: "GET", Path: v1 + "/accounts/movements", Tag: "accounts", Summary: "The movement legs behind an account figure, newest first: entry and exit records, transfers in and out, conversions (enterprises: their own)", Query: append(accountQuery(),
			openapi.Param{Name: "flow", Type: "string", Description: "comma-separated flows: " + strings.Join(flowNames(), ", ")},
			openapi.Param{Name: "from", Type: "string", Description: "first day (YYYY-MM-DD, China Standard Time)"},
			openapi.Param{Name: "to", Type: "string", Description: "last day, included"}), Status: 200, Response: query.AccountMovementPage{Items: []query.AccountMovement{{}}}},
		{Method: "GET", Path: v1 + "/accounts/stock", Tag: "accounts", Summary: "Stock report grouped by holding (trace × enterprise × status), trace code, material number or enterprise: flows, stock, value, storage age (enterprises: their own)", Query: append(accountQuery(),
			openapi.Param{Name: "groupBy", Type: "string", Enum: []string{"holding", "trace", "material", "enterprise"}},
			openapi.Param{Name: "inStock", Type: "boolean", Description: "only holdings with stock"},
			openapi.Param{Name: "asOf", Type: "string", Description: "day storage age is counted to (default now)"}), Status: 200, Response: query.StockPage{Items: []query.StockRow{{}}}},
		{Method: "GET", Path: v1 + "/accounts/movements/export.xlsx", Tag: "accounts", Summary: "Excel of the movements the movements route's filters select, newest first (at most 5000; kg, 元), with title, filters, generated-at and totals", Query: movementExportQuery(), Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/accounts/movements/export.pdf", Tag: "accounts", Summary: "PDF of the same movements (A4 landscape, CJK font, header on every page, page numbers, totals)", Query: movementExportQuery(), Status: 200, Content: "application/pdf"},
		{Method: "GET", Path: v1 + "/accounts/stock/export.xlsx", Tag: "accounts", Summary: "Excel of the stock report the stock route's filters select (at most 5000 rows; weights in kg, values in 元), with title, filters, generated-at and totals", Query: stockExportQuery(), Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/accounts/stock/export.pdf", Tag: "accounts", Summary: "PDF of the same stock report (A4 landscape, CJK font, header on every page, page numbers, totals)", Query: stockExportQuery(), Status: 200, Content: "application/pdf"},
		{Method: "GET", Path: v1 + "/accounts/pass-through", Tag: "accounts", Summary: "Pass-through accounting per batch: entries with a gate-in − exits with a gate-out, with its transfers and conversions (enterprises: their own)", Query: append(accountQuery(),
			openapi.Param{Name: "inStock", Type: "boolean"}, openapi.Param{Name: "asOf", Type: "string"}), Status: 200, Response: query.StockPage{Items: []query.StockRow{{}}}},
		{Method: "GET", Path: v1 + "/accounts/periods", Tag: "accounts", Summary: "Accounting periods (enterprises: their own)", Query: []openapi.Param{
			{Name: "enterpriseId", Type: "string", Description: "ignored for enterprises"}}, Status: 200, Response: periodList{Items: []model.AccountPeriod{{}}}},
		{Method: "POST", Path: v1 + "/accounts/periods", Tag: "accounts", Summary: "Define an accounting period of one's enterprise on the ledger (enterprise)", Idempotent: true, Request: accounting.PeriodDefinition{}, Status: 201, Response: model.AccountPeriod{}},
		{Method: "GET", Path: v1 + "/accounts/periods/{enterpriseId}/{periodId}/figures", Tag: "accounts", Summary: "A period's figures computed now: per batch and status, opening + in − out = closing, and their hash", Status: 200, Response: accounting.PeriodFigures{Figures: []model.PeriodFigure{{}}}},
		{Method: "GET", Path: v1 + "/accounts/periods/{enterpriseId}/{periodId}/figures.xlsx", Tag: "accounts", Summary: "Excel of a period's figures computed now (kg), with the period, its status, the totals hash and totals (at most 5000 rows)", Status: 200, Content: xlsxType},
		{Method: "GET", Path: v1 + "/accounts/periods/{enterpriseId}/{periodId}/figures.pdf", Tag: "accounts", Summary: "PDF of a period's figures (A4 landscape, CJK font, header on every page, page numbers, totals)", Status: 200, Content: "application/pdf"},
		{Method: "GET", Path: v1 + "/accounts/periods/{enterpriseId}/{periodId}/verification", Tag: "accounts", Summary: "Recompute a closed period and compare with the hash recorded on the ledger and the figures kept at closing", Status: 200, Response: query.PeriodCheck{Changes: []query.FigureChange{{}}}},
		{Method: "POST", Path: v1 + "/accounts/periods/{enterpriseId}/{periodId}/close", Tag: "accounts", Summary: "Close an ended period of one's enterprise: compute its figures and record their hash on the ledger (enterprise)", Idempotent: true, Status: 200, Response: accounting.Closing{Figures: []model.PeriodFigure{{}}}},

		{Method: "GET", Path: v1 + "/rules/config", Tag: "rules", Summary: "Customs' rule configuration read from the ledger: tag catalogue, model parameters, tag bindings, review rules (customs, zone_admin)", Query: []openapi.Param{
			{Name: "version", Type: "integer", Description: "a stored version; absent: the current one; 0: the built-in defaults"}}, Status: 200, Response: model.RuleConfig{}},
		{Method: "PUT", Path: v1 + "/rules/config", Tag: "rules", Summary: "Write a new version (customs_admin); 409 RULE_CONFIG_STALE when baseVersion is not the current version, 422 CONDITION_INVALID / COST_TOO_HIGH on a condition", Idempotent: true, Request: rules.Update{}, Status: 200, Response: model.RuleConfig{}},
		{Method: "GET", Path: v1 + "/rules/versions", Tag: "rules", Summary: "Versions newest first, without content (customs, zone_admin)", Query: []openapi.Param{
			{Name: "before", Type: "integer", Description: "only versions older than this"}, {Name: "limit", Type: "integer", Description: "1-100, default 20"}}, Status: 200, Response: ruleVersionList{}},
		{Method: "POST", Path: v1 + "/rules/dry-run", Tag: "rules", Summary: "What a draft review rule would decide about the newest declarations of its kind, against what was recorded (customs; writes nothing)", Request: rules.DryRun{}, Status: 200, Response: model.DryRunResult{}},
		{Method: "GET", Path: v1 + "/rules/models", Tag: "rules", Summary: "Every validation model the chaincode computes: default tag, parameters with min/max/default, by code (customs, zone_admin)", Status: 200, Response: modelSpecList{}},
		{Method: "GET", Path: v1 + "/tags", Tag: "rules", Summary: "The tag catalogue in force (code, Chinese name, category, colour, description) and its version, from the read model (every role)", Status: 200, Response: rules.TagCatalogue{}},
	}, slices.Concat(auditOperations(), operationLogOperations(), notificationOperations(), alertOperations(), gateOperations(), warehouseOperations(), customsMessageOperations(), recognitionOperations(), basicDataOperations(), exporterOperations())...)
}

// accountQuery is the keys every account is queried by, and its paging.
func accountQuery() []openapi.Param {
	return []openapi.Param{
		{Name: "enterpriseId", Type: "string", Description: "ignored for enterprises"}, {Name: "traceCode", Type: "string"},
		{Name: "materialNo", Type: "string", Description: "batches of prefilings with this material number"},
		{Name: "checklistNo", Type: "string", Description: "batches on the document with this number or customs number"},
		{Name: "vehiclePlate", Type: "string", Description: "batches on documents carried by this vehicle"},
		{Name: "bonded", Type: "boolean"},
		{Name: "after", Type: "string", Description: "the next of the previous page"}, {Name: "limit", Type: "integer", Description: "1-5000, default 100"},
	}
}

// movementExportQuery are the drill-down's filters, without paging.
func movementExportQuery() []openapi.Param {
	return append(unpaged(accountQuery()),
		openapi.Param{Name: "flow", Type: "string", Description: "comma-separated flows: " + strings.Join(flowNames(), ", ")},
		openapi.Param{Name: "from", Type: "string", Description: "first day (YYYY-MM-DD, China Standard Time)"},
		openapi.Param{Name: "to", Type: "string", Description: "last day, included"})
}

// unpaged drops the paging parameters: an export holds every row.
func unpaged(params []openapi.Param) []openapi.Param {
	var ps []openapi.Param
	for _, p := range params {
		if p.Name != "after" && p.Name != "limit" {
			ps = append(ps, p)
		}
	}
	return ps
}

// stockExportQuery are the stock report's filters, without paging.
func stockExportQuery() []openapi.Param {
	return append(unpaged(accountQuery()), openapi.Param{Name: "groupBy", Type: "string", Enum: []string{"holding", "trace", "material", "enterprise"}},
		openapi.Param{Name: "inStock", Type: "boolean"}, openapi.Param{Name: "asOf", Type: "string"})
}

var templateQuery = []openapi.Param{
	{Name: "family", Type: "string", Enum: families()},
	{Name: "businessType", Type: "string", Enum: []string{"in", "out", "entry", "exit", "consolidated", "transfer", "conversion"}},
}

// documentQuery are the document list's filters, shared by its export.
func documentQuery() []openapi.Param {
	return []openapi.Param{
		{Name: "family", Type: "string", Enum: families()}, {Name: "businessType", Type: "string"}, {Name: "status", Type: "string", Enum: statuses()},
		{Name: "tag", Type: "string"}, {Name: "tags", Type: "string", Description: "comma-separated tag codes, any of which selects (a tag category)"},
		{Name: "enterpriseId", Type: "string", Description: "ignored for enterprises"}, {Name: "traceCode", Type: "string"},
		{Name: "q", Type: "string", Description: "document number prefix or product name"}, {Name: "deleted", Type: "boolean", Description: "only documents a deletion touched"},
	}
}

// prefilingQuery are the prefiling list's filters, shared by its export.
func prefilingQuery() []openapi.Param {
	return []openapi.Param{
		{Name: "productName", Type: "string"}, {Name: "traceCode", Type: "string"}, {Name: "origin", Type: "string"}, {Name: "exporter", Type: "string"},
		{Name: "batchNo", Type: "string", Description: "exact batch number (批次号)"}, {Name: "materialNo", Type: "string", Description: "exact material number (料号)"},
		{Name: "status", Type: "string", Enum: []string{"declared", "approved", "returned"}},
		{Name: "supplementStatus", Type: "string", Enum: []string{"declared", "approved", "returned"}},
		{Name: "needsReview", Type: "boolean", Description: "customs queue: status or supplement status declared"},
		{Name: "enterpriseId", Type: "string", Description: "ignored for enterprises"},
	}
}

func queueKindNames() string {
	names := make([]string, len(query.QueueKinds))
	for i, k := range query.QueueKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func draftQuery() []openapi.Param {
	return append(append([]openapi.Param{}, templateQuery...),
		openapi.Param{Name: "declared", Type: "boolean"},
		openapi.Param{Name: "missingTraceCode", Type: "boolean", Description: "drafts with a line without trace code"},
		openapi.Param{Name: "q", Type: "string", Description: "draft id or document number prefix, product name, trace code or material number"})
}

func families() []string {
	out := make([]string, len(model.Families))
	for i, f := range model.Families {
		out[i] = string(f)
	}
	return out
}

func statuses() []string {
	out := make([]string, len(model.DocumentStatuses))
	for i, s := range model.DocumentStatuses {
		out[i] = string(s)
	}
	return out
}

func declarationKinds() []string {
	out := make([]string, len(model.DeclarationKinds))
	for i, k := range model.DeclarationKinds {
		out[i] = string(k)
	}
	return out
}

// modelSpecList is the answer of GET /rules/models.
type modelSpecList struct {
	Items []rules.ModelSpec `json:"items"`
}

// ruleVersionList is the answer of GET /rules/versions.
type ruleVersionList struct {
	Items []model.RuleVersionSummary `json:"items"`
}

func roleNames() []string {
	roles := make([]string, len(accounts.Roles))
	for i, r := range accounts.Roles {
		roles[i] = string(r)
	}
	return roles
}

func apiEnums() openapi.Enums {
	strs := func(vals ...string) []string { return vals }
	roles := roleNames()
	kinds := make([]string, len(model.EnterpriseKinds))
	for i, k := range model.EnterpriseKinds {
		kinds[i] = string(k)
	}
	return openapi.Enums{
		reflect.TypeOf(accounts.Role("")):          roles,
		reflect.TypeOf(model.EnterpriseKind("")):   kinds,
		reflect.TypeOf(model.PrefilingStatus("")):  strs("declared", "approved", "returned"),
		reflect.TypeOf(model.SupplementStatus("")): strs("", "declared", "approved", "returned"),
		reflect.TypeOf(model.QuarantineResult("")): strs("pending", "qualified", "unqualified"),
		reflect.TypeOf(model.Role("")):             strs(string(model.RoleCustoms), string(model.RoleZoneAdmin), string(model.RoleEnterprise)),
		reflect.TypeOf(model.Family("")):           families(),
		reflect.TypeOf(model.BusinessType("")):     strs("in", "out", "entry", "exit", "consolidated", "transfer", "conversion"),
		reflect.TypeOf(model.DocumentStatus("")):   statuses(),
		reflect.TypeOf(model.MovementKind("")):     strs("zone_entry", "zone_exit", "transfer", "conversion", "reversal"),
		reflect.TypeOf(docdrafts.Stock("")):        strs("in", "out", "none"),
		reflect.TypeOf(model.DeclarationKind("")):  declarationKinds(),
		reflect.TypeOf(model.RuleOutcome("")):      strs("pass", "return", "manual", "none"),
		reflect.TypeOf(model.AlertKind("")):        stringsOf(model.AlertKinds),
		reflect.TypeOf(model.DisposalState("")):    stringsOf(model.DisposalStates),
		// Level and type are "" before an assessment and a disposal.
		reflect.TypeOf(model.RiskLevel("")):           append(strs(""), stringsOf(model.RiskLevels)...),
		reflect.TypeOf(model.DisposalType("")):        append(strs(""), stringsOf(model.DisposalTypes)...),
		reflect.TypeOf(model.WarehouseRecordKind("")): stringsOf(model.WarehouseRecordKinds),
		reflect.TypeOf(model.LocationLevel("")):       stringsOf(model.LocationLevels),
		reflect.TypeOf(model.LocationAction("")):      stringsOf(append([]model.LocationAction{model.LocationCreate}, model.LocationChangeActions...)),
		reflect.TypeOf(model.ExporterStatus("")):      stringsOf(model.ExporterStatuses),
		reflect.TypeOf(model.ExporterSource("")):      {"crawl", "import", "manual"},
		reflect.TypeOf(model.ClaimStatus("")):         stringsOf(model.ClaimStatuses),
		reflect.TypeOf(model.ClaimFinding("")):        stringsOf(model.ClaimFindings),
	}
}

// stringsOf lists an enumeration's values.
func stringsOf[T ~string](vals []T) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

var openAPIDocument = sync.OnceValues(func() ([]byte, error) {
	return openapi.Build("ZoneTrace gateway API", "1.0.0", apiOperations(), apiEnums())
})

func (g *Gateway) routeOpenAPI(api *gin.RouterGroup) {
	api.GET("/openapi.json", func(c *gin.Context) {
		doc, err := openAPIDocument()
		if err != nil {
			g.fail(c, err)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
	})
}
