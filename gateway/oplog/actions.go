package oplog

import "strings"

// Action is how the log names what a route does.
type Action struct {
	Command string
	NameZh  string
	// ObjectType is what the route acts on; ObjectParam the path
	// parameter holding its id ("" when the route names no single object,
	// or the handler reports it).
	ObjectType  string
	ObjectParam string
	// Quiet routes are logged only when refused: reads of one's own
	// session and polls that carry no data worth auditing.
	Quiet bool
}

// Commands the gateway's handlers report themselves or that match no
// route.
const (
	CommandLogin     = "auth.login"
	CommandUnmatched = "api.unmatched"
)

// Object types.
const (
	ObjectUser          = "user"
	ObjectEnterprise    = "enterprise"
	ObjectPrefiling     = "prefiling"
	ObjectPrefilingDft  = "prefiling_draft"
	ObjectDocument      = "document"
	ObjectDocumentDraft = "document_draft"
	ObjectTraceCode     = "trace_code"
	ObjectMaterial      = "material"
	ObjectAttachment    = "attachment"
	ObjectReceipt       = "receipt"
	ObjectWebhook       = "webhook"
	ObjectOperationLog  = "operation_log"
	ObjectNotification  = "notification"
	ObjectBalance       = "balance"
	ObjectAccount       = "account"
	ObjectAccountPeriod = "account_period"
	ObjectBlock         = "block"
	ObjectTransaction   = "transaction"
	ObjectVerifyRun     = "verify_run"
	ObjectRuleConfig    = "rule_config"
	ObjectWorkQueue     = "work_queue"
	ObjectRiskAlert     = "risk_alert"
	ObjectGate          = "gate"
	ObjectGateEvent     = "gate_event"
	ObjectVehicle       = "vehicle"
	ObjectWMSRecord     = "warehouse_record"
	ObjectLocation      = "warehouse_location"
	ObjectReconRun      = "warehouse_reconciliation"
	ObjectCockpit       = "cockpit"
	// ObjectNationalMessage is a message of the send log to customs.
	ObjectNationalMessage = "national_message"
	// ObjectExporter is an entry of the foreign exporter registry, and
	// ObjectExporterClaim the exporter claim of a declared prefiling.
	ObjectExporter      = "exporter"
	ObjectExporterClaim = "exporter_claim"
)

// actions names every route of the API: "METHOD /api/v1/path" as gin's
// FullPath spells it. A gateway test holds it equal to the router.
var actions = map[string]Action{
	"POST /api/v1/auth/login":  {Command: CommandLogin, NameZh: "登录", ObjectType: ObjectUser},
	"POST /api/v1/auth/logout": {Command: "auth.logout", NameZh: "退出登录", ObjectType: ObjectUser},
	"GET /api/v1/auth/me":      {Command: "auth.me", NameZh: "查看本人信息", ObjectType: ObjectUser, Quiet: true},
	"POST /api/v1/me/password": {Command: "auth.password.change", NameZh: "修改本人密码", ObjectType: ObjectUser},
	"GET /api/v1/openapi.json": {Command: "api.document", NameZh: "查看接口文档", Quiet: true},
	"POST /api/v1/enterprises": {Command: "enterprise.register", NameZh: "企业登记", ObjectType: ObjectEnterprise},
	"GET /api/v1/enterprises":  {Command: "enterprise.list", NameZh: "查询企业列表", ObjectType: ObjectEnterprise},
	"GET /api/v1/enterprises/:id": {Command: "enterprise.read", NameZh: "查看企业详情", ObjectType: ObjectEnterprise,
		ObjectParam: "id"},
	"PUT /api/v1/enterprises/:id": {Command: "enterprise.update", NameZh: "修改企业信息", ObjectType: ObjectEnterprise,
		ObjectParam: "id"},
	"POST /api/v1/enterprises/:id/disable": {Command: "enterprise.disable", NameZh: "停用企业", ObjectType: ObjectEnterprise,
		ObjectParam: "id"},
	"POST /api/v1/enterprises/:id/enable": {Command: "enterprise.enable", NameZh: "启用企业", ObjectType: ObjectEnterprise,
		ObjectParam: "id"},
	"POST /api/v1/users": {Command: "user.create", NameZh: "新建用户", ObjectType: ObjectUser},
	"GET /api/v1/users":  {Command: "user.list", NameZh: "查询用户列表", ObjectType: ObjectUser},
	"PUT /api/v1/users/:username": {Command: "user.update", NameZh: "修改用户", ObjectType: ObjectUser,
		ObjectParam: "username"},
	"POST /api/v1/users/:username/disable": {Command: "user.disable", NameZh: "停用用户", ObjectType: ObjectUser,
		ObjectParam: "username"},
	"POST /api/v1/users/:username/enable": {Command: "user.enable", NameZh: "启用用户", ObjectType: ObjectUser,
		ObjectParam: "username"},
	"POST /api/v1/users/:username/password-reset": {Command: "user.password.reset", NameZh: "重置用户密码",
		ObjectType: ObjectUser, ObjectParam: "username"},
	"POST /api/v1/users/:username/unlock": {Command: "user.unlock", NameZh: "解除登录锁定", ObjectType: ObjectUser,
		ObjectParam: "username"},

	"GET /api/v1/prefiling-drafts":  {Command: "prefiling_draft.list", NameZh: "查询预核申报草稿", ObjectType: ObjectPrefilingDft},
	"POST /api/v1/prefiling-drafts": {Command: "prefiling_draft.create", NameZh: "新建预核申报草稿", ObjectType: ObjectPrefilingDft},
	"GET /api/v1/prefiling-drafts/:id": {Command: "prefiling_draft.read", NameZh: "查看预核申报草稿",
		ObjectType: ObjectPrefilingDft, ObjectParam: "id"},
	"PUT /api/v1/prefiling-drafts/:id": {Command: "prefiling_draft.update", NameZh: "修改预核申报草稿",
		ObjectType: ObjectPrefilingDft, ObjectParam: "id"},
	"DELETE /api/v1/prefiling-drafts/:id": {Command: "prefiling_draft.delete", NameZh: "删除预核申报草稿",
		ObjectType: ObjectPrefilingDft, ObjectParam: "id"},
	"POST /api/v1/prefiling-drafts/:id/copy": {Command: "prefiling_draft.copy", NameZh: "复制预核申报草稿",
		ObjectType: ObjectPrefilingDft, ObjectParam: "id"},
	"POST /api/v1/prefiling-drafts/:id/declare": {Command: "prefiling.declare", NameZh: "预核申报",
		ObjectType: ObjectPrefilingDft, ObjectParam: "id"},
	"POST /api/v1/prefiling-drafts/:id/recognitions": {Command: "prefiling_draft.recognition.start", NameZh: "识别证书",
		ObjectType: ObjectPrefilingDft, ObjectParam: "id"},
	"GET /api/v1/prefiling-drafts/:id/recognitions": {Command: "prefiling_draft.recognition.list", NameZh: "查看证书识别结果",
		ObjectType: ObjectPrefilingDft, ObjectParam: "id"},
	"GET /api/v1/prefilings": {Command: "prefiling.list", NameZh: "查询预核申报", ObjectType: ObjectPrefiling},
	"GET /api/v1/prefilings/:id": {Command: "prefiling.read", NameZh: "查看预核申报详情", ObjectType: ObjectPrefiling,
		ObjectParam: "id"},
	"POST /api/v1/prefilings/:id/review": {Command: "prefiling.review", NameZh: "审核预核申报", ObjectType: ObjectPrefiling,
		ObjectParam: "id"},
	"POST /api/v1/prefilings/:id/supplement": {Command: "prefiling.supplement", NameZh: "补录入申报",
		ObjectType: ObjectPrefiling, ObjectParam: "id"},
	"POST /api/v1/prefilings/:id/supplement/review": {Command: "prefiling.supplement.review", NameZh: "审核补录入",
		ObjectType: ObjectPrefiling, ObjectParam: "id"},
	"POST /api/v1/prefilings/:id/copy-to-draft": {Command: "prefiling.copy_to_draft", NameZh: "复制为草稿",
		ObjectType: ObjectPrefiling, ObjectParam: "id"},
	"GET /api/v1/trace-codes/:code": {Command: "trace_code.read", NameZh: "查看溯源码", ObjectType: ObjectTraceCode,
		ObjectParam: "code"},
	"GET /api/v1/trace-codes/:code/qr.png": {Command: "trace_code.qr", NameZh: "下载溯源二维码",
		ObjectType: ObjectTraceCode, ObjectParam: "code"},
	"GET /api/v1/trace-codes/:code/epcis": {Command: "trace_code.epcis", NameZh: "导出EPCIS溯源文档",
		ObjectType: ObjectTraceCode, ObjectParam: "code"},
	"GET /api/v1/public/trace/:code": {Command: "trace_code.public", NameZh: "公开溯源查询",
		ObjectType: ObjectTraceCode, ObjectParam: "code", Quiet: true},
	"GET /api/v1/materials/:materialNo": {Command: "material.read", NameZh: "按料号查询",
		ObjectType: ObjectMaterial, ObjectParam: "materialNo"},
	"GET /api/v1/materials/:materialNo/qr.png": {Command: "material.qr", NameZh: "下载料号二维码",
		ObjectType: ObjectMaterial, ObjectParam: "materialNo"},
	"GET /api/v1/trace-codes/:code/history": {Command: "trace_code.history", NameZh: "查看溯源全程",
		ObjectType: ObjectTraceCode, ObjectParam: "code"},
	"GET /api/v1/traces":       {Command: "trace.search", NameZh: "溯源查询", ObjectType: ObjectTraceCode},
	"POST /api/v1/attachments": {Command: "attachment.upload", NameZh: "上传附件", ObjectType: ObjectAttachment},
	"GET /api/v1/trace-codes/:code/line-defaults": {Command: "trace_code.line_defaults", NameZh: "按溯源码带出表体",
		ObjectType: ObjectTraceCode, ObjectParam: "code"},
	"GET /api/v1/counterparties": {Command: "counterparty.search", NameZh: "查找对方企业", ObjectType: ObjectEnterprise},
	"GET /api/v1/attachments/:sha256": {Command: "attachment.download", NameZh: "下载附件", ObjectType: ObjectAttachment,
		ObjectParam: "sha256"},

	"GET /api/v1/document-templates": {Command: "document_template.list", NameZh: "查看单据模板",
		ObjectType: ObjectDocumentDraft, Quiet: true},
	"GET /api/v1/document-drafts":  {Command: "document_draft.list", NameZh: "查询单据草稿", ObjectType: ObjectDocumentDraft},
	"POST /api/v1/document-drafts": {Command: "document_draft.create", NameZh: "新建单据草稿", ObjectType: ObjectDocumentDraft},
	"GET /api/v1/document-drafts/template.xlsx": {Command: "document_draft.template", NameZh: "下载单据导入模板",
		ObjectType: ObjectDocumentDraft},
	"POST /api/v1/document-drafts/import": {Command: "document_draft.import", NameZh: "导入单据草稿",
		ObjectType: ObjectDocumentDraft},
	"GET /api/v1/document-drafts/export.xlsx": {Command: "document_draft.export", NameZh: "导出单据草稿",
		ObjectType: ObjectDocumentDraft},
	"GET /api/v1/document-drafts/pickable-lines": {Command: "document_draft.pickable_lines", NameZh: "查询可选表体",
		ObjectType: ObjectDocumentDraft},
	"GET /api/v1/document-drafts/:id": {Command: "document_draft.read", NameZh: "查看单据草稿",
		ObjectType: ObjectDocumentDraft, ObjectParam: "id"},
	"PUT /api/v1/document-drafts/:id": {Command: "document_draft.update", NameZh: "修改单据草稿",
		ObjectType: ObjectDocumentDraft, ObjectParam: "id"},
	"DELETE /api/v1/document-drafts/:id": {Command: "document_draft.delete", NameZh: "删除单据草稿",
		ObjectType: ObjectDocumentDraft, ObjectParam: "id"},
	"POST /api/v1/document-drafts/:id/copy": {Command: "document_draft.copy", NameZh: "复制单据草稿",
		ObjectType: ObjectDocumentDraft, ObjectParam: "id"},
	"POST /api/v1/document-drafts/:id/declare": {Command: "document.declare", NameZh: "单据申报",
		ObjectType: ObjectDocumentDraft, ObjectParam: "id"},
	"GET /api/v1/documents": {Command: "document.list", NameZh: "查询单据", ObjectType: ObjectDocument},
	"GET /api/v1/documents/:id": {Command: "document.read", NameZh: "查看单据详情", ObjectType: ObjectDocument,
		ObjectParam: "id"},
	"POST /api/v1/documents/:id/review": {Command: "document.review", NameZh: "审核单据", ObjectType: ObjectDocument,
		ObjectParam: "id"},
	"POST /api/v1/documents/:id/gate-pass": {Command: "document.gate_pass", NameZh: "登记过卡", ObjectType: ObjectDocument,
		ObjectParam: "id"},
	"POST /api/v1/documents/:id/deletion": {Command: "document.deletion.request", NameZh: "申请删单",
		ObjectType: ObjectDocument, ObjectParam: "id"},
	"POST /api/v1/documents/:id/deletion/confirm": {Command: "document.deletion.confirm", NameZh: "确认删单",
		ObjectType: ObjectDocument, ObjectParam: "id"},
	"POST /api/v1/documents/:id/deletion/review": {Command: "document.deletion.review", NameZh: "审核删单",
		ObjectType: ObjectDocument, ObjectParam: "id"},
	"POST /api/v1/documents/:id/tags": {Command: "document.tag", NameZh: "手工打标", ObjectType: ObjectDocument,
		ObjectParam: "id"},
	"DELETE /api/v1/documents/:id/tags/:code": {Command: "document.untag", NameZh: "移除标签", ObjectType: ObjectDocument,
		ObjectParam: "id"},
	"POST /api/v1/documents/:id/release": {Command: "document.release", NameZh: "释放库存占用", ObjectType: ObjectDocument,
		ObjectParam: "id"},
	"POST /api/v1/documents/:id/consolidation": {Command: "document.consolidate", NameZh: "集报流转单",
		ObjectType: ObjectDocument, ObjectParam: "id"},
	"GET /api/v1/documents/export.xlsx":  {Command: "document.export", NameZh: "导出申报单证", ObjectType: ObjectDocument},
	"GET /api/v1/prefilings/export.xlsx": {Command: "prefiling.export", NameZh: "导出预核申报", ObjectType: ObjectPrefiling},
	"GET /api/v1/work-queue":             {Command: "work_queue.list", NameZh: "查看海关待办", ObjectType: ObjectWorkQueue},
	"GET /api/v1/work-queue/counts": {Command: "work_queue.counts", NameZh: "查看待办数量", ObjectType: ObjectWorkQueue,
		Quiet: true},
	// The wall screen polls the cockpit: logged only when refused.
	"GET /api/v1/cockpit/overview":   {Command: "cockpit.overview", NameZh: "查看监管驾驶舱", ObjectType: ObjectCockpit, Quiet: true},
	"GET /api/v1/cockpit/prices":     {Command: "cockpit.prices", NameZh: "查看进口商品价格散点", ObjectType: ObjectCockpit, Quiet: true},
	"GET /api/v1/badges":             {Command: "badges.read", NameZh: "查看菜单提醒数", ObjectType: ObjectWorkQueue, Quiet: true},
	"GET /api/v1/transfers/incoming": {Command: "transfer.incoming", NameZh: "查询待转入单据", ObjectType: ObjectDocument},
	"GET /api/v1/balances":           {Command: "balance.list", NameZh: "查询库存", ObjectType: ObjectBalance},
	"GET /api/v1/accounts/movements": {Command: "account.movements", NameZh: "查询核算明细", ObjectType: ObjectAccount},
	"GET /api/v1/accounts/stock":     {Command: "account.stock", NameZh: "查询核算库存", ObjectType: ObjectAccount},
	"GET /api/v1/accounts/pass-through": {Command: "account.pass_through", NameZh: "查询穿行核算",
		ObjectType: ObjectAccount},
	"GET /api/v1/accounts/movements/export.xlsx": {Command: "account.movements.export", NameZh: "导出核算明细",
		ObjectType: ObjectAccount},
	"GET /api/v1/accounts/movements/export.pdf": {Command: "account.movements.export", NameZh: "导出核算明细",
		ObjectType: ObjectAccount},
	"GET /api/v1/accounts/stock/export.xlsx": {Command: "account.stock.export", NameZh: "导出区内库存报表",
		ObjectType: ObjectAccount},
	"GET /api/v1/accounts/stock/export.pdf": {Command: "account.stock.export", NameZh: "导出区内库存报表",
		ObjectType: ObjectAccount},
	"GET /api/v1/accounts/periods/:enterpriseId/:periodId/figures.xlsx": {Command: "account.period.export",
		NameZh: "导出周期核算报表", ObjectType: ObjectAccountPeriod, ObjectParam: "periodId"},
	"GET /api/v1/accounts/periods/:enterpriseId/:periodId/figures.pdf": {Command: "account.period.export",
		NameZh: "导出周期核算报表", ObjectType: ObjectAccountPeriod, ObjectParam: "periodId"},
	"GET /api/v1/accounts/periods":  {Command: "account.period.list", NameZh: "查询核算周期", ObjectType: ObjectAccountPeriod},
	"POST /api/v1/accounts/periods": {Command: "account.period.define", NameZh: "定义核算周期", ObjectType: ObjectAccountPeriod},
	"GET /api/v1/accounts/periods/:enterpriseId/:periodId/figures": {Command: "account.period.figures",
		NameZh: "查看周期核算结果", ObjectType: ObjectAccountPeriod, ObjectParam: "periodId"},
	"GET /api/v1/accounts/periods/:enterpriseId/:periodId/verification": {Command: "account.period.verify",
		NameZh: "校验周期核算结果", ObjectType: ObjectAccountPeriod, ObjectParam: "periodId"},
	"POST /api/v1/accounts/periods/:enterpriseId/:periodId/close": {Command: "account.period.close",
		NameZh: "结算核算周期", ObjectType: ObjectAccountPeriod, ObjectParam: "periodId"},
	"GET /api/v1/receipts": {Command: "receipt.list", NameZh: "查询回执", ObjectType: ObjectReceipt},
	"POST /api/v1/receipts/:id/read": {Command: "receipt.read", NameZh: "标记回执已读", ObjectType: ObjectReceipt,
		ObjectParam: "id"},
	"POST /api/v1/external-receipts": {Command: "receipt.external", NameZh: "接收海关回执", ObjectType: ObjectReceipt},

	"POST /api/v1/documents/:id/national-message": {Command: "document.national_message.send", NameZh: "发送海关报文",
		ObjectType: ObjectDocument, ObjectParam: "id"},
	"GET /api/v1/national-messages": {Command: "national_message.list", NameZh: "查看海关报文发送记录",
		ObjectType: ObjectNationalMessage},
	"GET /api/v1/national-messages/:id/xml": {Command: "national_message.xml", NameZh: "下载海关报文",
		ObjectType: ObjectNationalMessage, ObjectParam: "id"},

	"GET /api/v1/webhook":            {Command: "webhook.read", NameZh: "查看回调设置", ObjectType: ObjectWebhook},
	"PUT /api/v1/webhook":            {Command: "webhook.update", NameZh: "修改回调设置", ObjectType: ObjectWebhook},
	"GET /api/v1/webhook/deliveries": {Command: "webhook.deliveries", NameZh: "查看回调投递记录", ObjectType: ObjectWebhook},

	"GET /api/v1/operation-log": {Command: "oplog.query", NameZh: "查询操作日志", ObjectType: ObjectOperationLog},
	"GET /api/v1/operation-log/export.csv": {Command: "oplog.export", NameZh: "导出操作日志",
		ObjectType: ObjectOperationLog},
	"GET /api/v1/operation-log/export.xlsx": {Command: "oplog.export", NameZh: "导出操作日志",
		ObjectType: ObjectOperationLog},
	"GET /api/v1/operation-log/check": {Command: "oplog.check", NameZh: "校验操作日志", ObjectType: ObjectOperationLog},
	"GET /api/v1/operation-log/rules": {Command: "oplog.rules.read", NameZh: "查看告警规则", ObjectType: ObjectOperationLog},
	"PUT /api/v1/operation-log/rules": {Command: "oplog.rules.update", NameZh: "修改告警规则", ObjectType: ObjectOperationLog},
	"GET /api/v1/notifications": {Command: "notification.list", NameZh: "查看通知", ObjectType: ObjectNotification,
		Quiet: true},
	"POST /api/v1/notifications/:id/read": {Command: "notification.read", NameZh: "标记通知已读",
		ObjectType: ObjectNotification, ObjectParam: "id", Quiet: true},
	"POST /api/v1/notifications/read-all": {Command: "notification.read_all", NameZh: "全部通知标为已读",
		ObjectType: ObjectNotification, Quiet: true},
	"GET /api/v1/notifications/stream": {Command: "notification.stream", NameZh: "接收实时通知",
		ObjectType: ObjectNotification, Quiet: true},
	"GET /api/v1/notification-subscriptions": {Command: "notification.settings.read", NameZh: "查看通知设置",
		ObjectType: ObjectNotification},
	"PUT /api/v1/notification-subscriptions": {Command: "notification.settings.update", NameZh: "修改通知设置",
		ObjectType: ObjectNotification},
	"GET /api/v1/rules/config": {Command: "rules.config.read", NameZh: "查看规则配置", ObjectType: ObjectRuleConfig},
	"PUT /api/v1/rules/config": {Command: "rules.config.update", NameZh: "修改规则配置", ObjectType: ObjectRuleConfig},
	"GET /api/v1/rules/versions": {Command: "rules.versions", NameZh: "查看规则配置版本",
		ObjectType: ObjectRuleConfig},
	"POST /api/v1/rules/dry-run":  {Command: "rules.dry_run", NameZh: "规则试运行", ObjectType: ObjectRuleConfig},
	"GET /api/v1/rules/models":    {Command: "rules.models", NameZh: "查看校验模型", ObjectType: ObjectRuleConfig, Quiet: true},
	"GET /api/v1/tags":            {Command: "rules.tags", NameZh: "查看标签目录", ObjectType: ObjectRuleConfig, Quiet: true},
	"GET /api/v1/explorer/blocks": {Command: "explorer.blocks", NameZh: "浏览区块列表", ObjectType: ObjectBlock},
	"GET /api/v1/explorer/blocks/:number": {Command: "explorer.block", NameZh: "查看区块", ObjectType: ObjectBlock,
		ObjectParam: "number"},
	"GET /api/v1/explorer/transactions/:txId": {Command: "explorer.transaction", NameZh: "查看交易",
		ObjectType: ObjectTransaction, ObjectParam: "txId"},
	"GET /api/v1/explorer/search": {Command: "explorer.search", NameZh: "搜索交易", ObjectType: ObjectTransaction},
	"POST /api/v1/verify-runs":    {Command: "audit.verify.start", NameZh: "发起账本校验", ObjectType: ObjectVerifyRun},
	"GET /api/v1/verify-runs":     {Command: "audit.verify.list", NameZh: "查看校验记录", ObjectType: ObjectVerifyRun},
	"GET /api/v1/verify-runs/:id": {Command: "audit.verify.read", NameZh: "查看校验结果", ObjectType: ObjectVerifyRun,
		ObjectParam: "id"},
	"GET /api/v1/alerts": {Command: "alerts.list", NameZh: "查询风险预警", ObjectType: ObjectRiskAlert},
	"POST /api/v1/trace-codes/:code/high-risk": {Command: "trace_code.mark_high_risk", NameZh: "标记高风险货物",
		ObjectType: ObjectTraceCode, ObjectParam: "code"},
	"GET /api/v1/alerts/:id":         {Command: "alerts.read", NameZh: "查看风险预警", ObjectType: ObjectRiskAlert, ObjectParam: "id"},
	"GET /api/v1/alerts/export.xlsx": {Command: "alerts.export", NameZh: "导出风险处置记录", ObjectType: ObjectRiskAlert},
	"GET /api/v1/alerts/stats":       {Command: "alerts.stats", NameZh: "查看预警分析", ObjectType: ObjectRiskAlert},
	"GET /api/v1/alerts/stats.xlsx":  {Command: "alerts.stats.export", NameZh: "导出预警统计", ObjectType: ObjectRiskAlert},
	"GET /api/v1/alerts/stats.pdf":   {Command: "alerts.stats.export", NameZh: "导出预警统计", ObjectType: ObjectRiskAlert},
	"GET /api/v1/alerts/disposal-options": {Command: "alerts.disposal_options", NameZh: "查看处置选项",
		ObjectType: ObjectRiskAlert},
	"POST /api/v1/alerts/:id/assessment": {Command: "alerts.assess", NameZh: "预警评估定级", ObjectType: ObjectRiskAlert,
		ObjectParam: "id"},
	"POST /api/v1/alerts/:id/disposition": {Command: "alerts.dispose", NameZh: "预警处置", ObjectType: ObjectRiskAlert,
		ObjectParam: "id"},
	"POST /api/v1/alerts/:id/closing": {Command: "alerts.close", NameZh: "预警处置办结", ObjectType: ObjectRiskAlert,
		ObjectParam: "id"},
	"POST /api/v1/alerts/:id/revocation": {Command: "alerts.revoke", NameZh: "撤销预警处置", ObjectType: ObjectRiskAlert,
		ObjectParam: "id"},
	// The foreign exporter registry and the exporter claims (gateway/exporters).
	"GET /api/v1/exporters":               {Command: "exporters.list", NameZh: "查询境外出口商备案", ObjectType: ObjectExporter},
	"POST /api/v1/exporters":              {Command: "exporters.create", NameZh: "新增境外出口商备案", ObjectType: ObjectExporter},
	"GET /api/v1/exporters/template.xlsx": {Command: "exporters.template", NameZh: "下载出口商备案导入模板", ObjectType: ObjectExporter, Quiet: true},
	"POST /api/v1/exporters/import":       {Command: "exporters.import", NameZh: "导入境外出口商备案", ObjectType: ObjectExporter},
	"GET /api/v1/exporters/crawls":        {Command: "exporters.crawls", NameZh: "查看备案爬取记录", ObjectType: ObjectExporter},
	"POST /api/v1/exporters/crawls":       {Command: "exporters.crawl", NameZh: "立即爬取境外出口商备案", ObjectType: ObjectExporter},
	"GET /api/v1/exporters/:id":           {Command: "exporters.read", NameZh: "查看境外出口商备案", ObjectType: ObjectExporter, ObjectParam: "id"},
	"PUT /api/v1/exporters/:id":           {Command: "exporters.update", NameZh: "修改境外出口商备案", ObjectType: ObjectExporter, ObjectParam: "id"},
	"POST /api/v1/exporters/:id/suspend":  {Command: "exporters.suspend", NameZh: "暂停境外出口商备案", ObjectType: ObjectExporter, ObjectParam: "id"},
	"GET /api/v1/exporter-claims":         {Command: "exporter_claims.list", NameZh: "查询出口商备案核对", ObjectType: ObjectExporterClaim},
	"GET /api/v1/exporter-claims/:id":     {Command: "exporter_claims.read", NameZh: "查看出口商备案核对", ObjectType: ObjectExporterClaim, ObjectParam: "id"},
	"POST /api/v1/exporter-claims/:id/confirm": {Command: "exporter_claims.confirm", NameZh: "确认出口商备案", ObjectType: ObjectExporterClaim,
		ObjectParam: "id"},
	"POST /api/v1/exporter-claims/:id/reject": {Command: "exporter_claims.reject", NameZh: "驳回出口商备案核对", ObjectType: ObjectExporterClaim,
		ObjectParam: "id"},
	// Warehouse operators' WMS/ERP feeds, locations and reconciliations.
	"POST /api/v1/warehouse/records":        {Command: "warehouse.records.feed", NameZh: "报送仓储记录", ObjectType: ObjectWMSRecord},
	"POST /api/v1/warehouse/records/import": {Command: "warehouse.records.import", NameZh: "导入仓储记录", ObjectType: ObjectWMSRecord},
	"GET /api/v1/warehouse/records/template.xlsx": {Command: "warehouse.records.template", NameZh: "下载仓储记录导入模板",
		ObjectType: ObjectWMSRecord, Quiet: true},
	"GET /api/v1/warehouse/records":    {Command: "warehouse.records.list", NameZh: "查看仓储记录", ObjectType: ObjectWMSRecord},
	"GET /api/v1/warehouse/stock":      {Command: "warehouse.stock", NameZh: "查看库位库存", ObjectType: ObjectWMSRecord},
	"GET /api/v1/warehouse/skus":       {Command: "warehouse.skus.read", NameZh: "查看商品货号对照", ObjectType: ObjectWMSRecord},
	"PUT /api/v1/warehouse/skus":       {Command: "warehouse.skus.update", NameZh: "维护商品货号对照", ObjectType: ObjectWMSRecord},
	"GET /api/v1/warehouse/locations":  {Command: "warehouse.locations.list", NameZh: "查看库位", ObjectType: ObjectLocation},
	"POST /api/v1/warehouse/locations": {Command: "warehouse.locations.create", NameZh: "新建库位", ObjectType: ObjectLocation},
	"POST /api/v1/warehouse/locations/:code/changes": {Command: "warehouse.locations.change", NameZh: "变更库位",
		ObjectType: ObjectLocation, ObjectParam: "code"},
	"GET /api/v1/warehouse/locations/:code/history": {Command: "warehouse.locations.history", NameZh: "查看库位变更记录",
		ObjectType: ObjectLocation, ObjectParam: "code"},
	"POST /api/v1/warehouse/reconciliations": {Command: "warehouse.reconcile", NameZh: "仓储对账", ObjectType: ObjectReconRun},
	"GET /api/v1/warehouse/reconciliations":  {Command: "warehouse.reconciliations.list", NameZh: "查看仓储对账记录", ObjectType: ObjectReconRun},
	"GET /api/v1/warehouse/reconciliations/:id": {Command: "warehouse.reconciliations.read", NameZh: "查看仓储对账差异",
		ObjectType: ObjectReconRun, ObjectParam: "id"},
	"GET /api/v1/warehouse/reconciliations/:id/export.xlsx": {Command: "warehouse.reconciliations.export", NameZh: "导出仓储对账差异",
		ObjectType: ObjectReconRun, ObjectParam: "id"},
	"GET /api/v1/evidence-bundles/:code": {Command: "audit.bundle.download", NameZh: "下载证据包",
		ObjectType: ObjectTraceCode, ObjectParam: "code"},
	"POST /api/v1/gate-events": {Command: "gate.event.intake", NameZh: "卡口上报过车记录", ObjectType: ObjectGateEvent},
	"GET /api/v1/gates":        {Command: "gate.list", NameZh: "查询卡口", ObjectType: ObjectGate},
	"POST /api/v1/gates":       {Command: "gate.register", NameZh: "登记卡口", ObjectType: ObjectGate},
	"POST /api/v1/gates/:id/disable": {Command: "gate.disable", NameZh: "停用卡口", ObjectType: ObjectGate,
		ObjectParam: "id"},
	"GET /api/v1/gate-events": {Command: "gate.event.list", NameZh: "查询过卡记录", ObjectType: ObjectGateEvent},
	"POST /api/v1/gate-events/:id/match": {Command: "gate.event.match", NameZh: "人工匹配过卡记录",
		ObjectType: ObjectGateEvent, ObjectParam: "id"},
	"POST /api/v1/gate-events/:id/ignore": {Command: "gate.event.ignore", NameZh: "忽略过卡记录",
		ObjectType: ObjectGateEvent, ObjectParam: "id"},
	"GET /api/v1/gate-events/:id/candidates": {Command: "gate.event.candidates", NameZh: "查看可匹配单证",
		ObjectType: ObjectGateEvent, ObjectParam: "id"},
	"GET /api/v1/gate-events/:id/playback": {Command: "gate.event.playback", NameZh: "查看过卡视频回放",
		ObjectType: ObjectGateEvent, ObjectParam: "id"},
	"GET /api/v1/vehicles/inside": {Command: "vehicle.inside", NameZh: "查询区内车辆", ObjectType: ObjectVehicle},
	"GET /api/v1/vehicles/route":  {Command: "vehicle.route", NameZh: "查看车辆轨迹", ObjectType: ObjectVehicle},
}

// ActionOf names the route method+fullPath; ok is false for a route the
// table misses (a test keeps that from happening) and for no route at all.
func ActionOf(method, fullPath string) (Action, bool) {
	a, ok := actions[method+" "+fullPath]
	return a, ok
}

// Routes lists the table's keys, for the test holding it equal to the
// router.
func Routes() []string {
	out := make([]string, 0, len(actions))
	for k := range actions {
		out = append(out, k)
	}
	return out
}

// CommandNames maps each command to its Chinese name, for the UI's filter
// and the export.
func CommandNames() map[string]string {
	out := map[string]string{CommandUnmatched: "访问不存在的接口"}
	for _, a := range actions {
		out[a.Command] = a.NameZh
	}
	return out
}

// isExport reports commands that send many rows out of the system; the
// bulk-export rule watches them.
func isExport(command string) bool { return strings.HasSuffix(command, ".export") }
