// Package zh is the Chinese catalogue of chaincode refusals: a template for
// every refusal reason and problem rule of chaincode/model, built from the
// structured details the chaincode sends, and Chinese labels of the fields
// its checks name. The gateway builds every messageZh of a chaincode or
// validation error here, so no English sentence reaches the Chinese UI.
package zh

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"zonetrace/chaincode/model"
)

var reasons = map[model.Reason]string{
	model.ReasonFieldInvalid:             "输入校验未通过",
	model.ReasonMalformedArgument:        "提交的数据格式错误，无法解析",
	model.ReasonKeyInvalid:               "{objectType}编号含有不允许的字符",
	model.ReasonRequestDone:              "该请求已执行过（交易 {txId}），不会重复执行",
	model.ReasonIdentityUnreadable:       "无法读取调用者的数字证书身份",
	model.ReasonIdentityNotRegistered:    "{action}：身份 {name}（{mspId}）未在综保区登记",
	model.ReasonRoleNotAllowed:           "{action}：{role}角色无权执行此操作",
	model.ReasonIdentityRoleMismatch:     "证书所载用户角色“{userRole}”不能由 {mspId} 签发",
	model.ReasonIdentityAttributeMissing: "个人证书缺少属性 {attribute}",
	model.ReasonEnterpriseExists:         "企业 {enterpriseId} 已登记，不能重复登记",
	model.ReasonEnterpriseNotFound:       "企业 {enterpriseId} 未登记",
	model.ReasonAdminCertificate:         "管理员证书不能代表企业",
	model.ReasonIdentityBound:            "该证书身份已绑定到企业 {enterpriseId}",
	model.ReasonEnterpriseDisabled:       "企业 {enterpriseId} 已停用，不能办理业务",
	model.ReasonPrefilingExists:          "预核申报 {prefilingId} 已存在",
	model.ReasonPrefilingNotFound:        "预核申报 {prefilingId} 不存在",
	model.ReasonPrefilingOfOther:         "预核申报 {prefilingId} 属于其他企业",
	model.ReasonPrefilingNotDeclared:     "预核申报 {prefilingId} 当前状态为“{status}”，只有已申报的预核申报可以审核",
	model.ReasonPrefilingNotApproved:     "预核申报 {prefilingId} 当前状态为“{status}”，只有审核通过的预核申报可以补录入",
	model.ReasonSupplementPending:        "预核申报 {prefilingId} 已有待审核的补录入",
	model.ReasonNoSupplement:             "预核申报 {prefilingId} 没有待审核的补录入",
	model.ReasonTraceCodeNotFound:        "溯源码 {traceCode} 不存在",
	model.ReasonTraceCodeOfOther:         "溯源码 {traceCode} 属于其他企业",
	model.ReasonTraceCodeUnavailable:     "暂时无法为商品类别 {commodity} 签发溯源码，请稍后重试",
	model.ReasonDocumentExists:           "单据 {documentId} 已存在",
	model.ReasonDocumentNotFound:         "单据 {documentId} 不存在",
	model.ReasonDocumentOfOther:          "单据 {documentId} 属于其他企业",
	model.ReasonBalanceOfOther:           "不能查看其他企业（{enterpriseId}）的库存",
	model.ReasonStockInsufficient:        "单据 {documentId} 第{lineSeq}行：企业 {holder} 持有溯源码 {traceCode} 的{bonded}库存 {heldGrams} 克，不足申报的 {askedGrams} 克，货物无法移动",
	model.ReasonTransferOfOther:          "转出单 {documentId} 的对方企业不是本企业",
	model.ReasonTransferNotApproved:      "转出单 {documentId} 当前状态为“{status}”，只有审核通过的转出单可以转入",
	model.ReasonTransferReceived:         "转出单 {documentId} 已由转入单 {inLegId} 接收",
	model.ReasonReviewedElsewhere:        "{family}由海关业务系统审核，审核结果以海关回执为准",
	model.ReasonDocumentNotReviewable:    "单据 {documentId} 当前状态为“{status}”，只有已申报的单据可以审核",
	model.ReasonAlreadyManualReview:      "单据 {documentId} 已在人工审核中",
	model.ReasonNoGateCrossing:           "{family}（{businessType}）不经过卡口",
	model.ReasonGatePassed:               "单据 {documentId} 已于 {at} 过卡",
	model.ReasonDocumentNotApproved:      "单据 {documentId} 当前状态为“{status}”，审核通过后货物才能过卡",
	model.ReasonReceiptApplied:           "回执 {receiptId} 已处理过（单据 {documentId}）",
	model.ReasonReceiptWrongFamily:       "{messageType} 回执不适用于单据 {documentId}（{family}）",
	model.ReasonNotDeclarant:             "只有单据 {documentId} 的申报企业可以申请删单",
	model.ReasonNotTransferee:            "只有单据 {documentId} 的转入企业可以确认删单",
	model.ReasonDeletionOffline:          "集报单据 {documentId} 须通过海关线下删单，不能在本平台删除",
	model.ReasonDeletionElsewhere:        "{family}由海关业务系统审核，请在海关系统中申报删单",
	model.ReasonDeleteThroughOutLeg:      "区内流转须通过转出单 {documentId} 删单",
	model.ReasonDocumentNotDeletable:     "单据 {documentId} 当前状态为“{status}”，不能删单",
	model.ReasonPeriodExists:             "核算周期 {periodId} 已存在",
	model.ReasonPeriodNotFound:           "企业 {enterpriseId} 没有核算周期 {periodId}",
	model.ReasonPeriodClosed:             "核算周期 {periodId} 已于 {at} 结算，不能再次结算",
	model.ReasonPeriodNotEnded:           "核算周期 {periodId} 至 {to} 结束，结束后才能结算",
	model.ReasonPeriodBackwards:          "核算周期的结束日期 {to} 早于开始日期 {from}",
	model.ReasonDisposalNotFound:         "{alertKind}预警（{subject}）尚无处置记录",
	model.ReasonDisposalState:            "预警处置状态为“{disposalState}”，不能{step}",
	model.ReasonCursorInvalid:            "翻页参数 {parameter} 无效：不是系统给出的翻页位置，请从第一页重新查询",
	model.ReasonDeletionAcrossYear:       "非保税区内流转单 {documentId} 于 {year} 年申报，不能跨年删单",
	model.ReasonNoDeletionTransferee:     "单据 {documentId} 没有等待转入企业确认的删单申请",
	model.ReasonNoDeletionCustoms:        "单据 {documentId} 没有等待海关审核的删单申请",
	model.ReasonTransfereeNotConfirmed:   "转入企业尚未确认单据 {documentId} 的删单",
	model.ReasonRuleConfigStale:          "规则配置已被他人修改（您基于第{baseVersion}版编辑，当前为第{version}版），请刷新后重新编辑",
	model.ReasonRuleConfigNotFound:       "规则配置第{version}版不存在",
	model.ReasonUserRoleNotAllowed:       "{action}：{userRole}无权执行此操作",
	model.ReasonTagPresent:               "单据 {documentId} 已有手工标签 {code}，不能重复打标",
	model.ReasonTagAbsent:                "单据 {documentId} 没有标签 {code}",
	model.ReasonNothingReserved:          "单据 {documentId}（{family}，{businessType}）不占用库存，没有可释放的占用",
	model.ReasonNotReleasable:            "单据 {documentId} 当前状态为“{status}”，只有审核通过、货物尚未移动的单据可以释放占用",
	model.ReasonOutLegShortfall:          "转出单 {documentId}：溯源码 {traceCode} 转出 {askedGrams} 克，转出企业仅持有 {heldGrams} 克，短缺 {shortfallGrams} 克，不能审核通过",
	model.ReasonAmendEffective:           "单据 {documentId} 已生效，货物已移动，海关变更回执的重量不能自动调整，请线下处理",
	model.ReasonReceiptNotApplicable:     "单据 {documentId} 当前状态为“{status}”，海关变更或删除回执不再适用",
	model.ReasonTransferConsolidated:     "单据 {documentId} 已集报（核注清单 {checklistId}），不可进行删单操作，请走线下流程",
	model.ReasonNotConsolidating:         "单据 {documentId} 不是集报或区内流转核注清单，不能集报流转单",
	model.ReasonNotBondedTransfer:        "单据 {documentId} 不是保税区内流转出入库单",
	model.ReasonConsolidateOther:         "单据 {documentId} 不是本企业申报的，不能由本企业集报",
	model.ReasonTransferNotSettled:       "单据 {documentId} 当前状态为“{status}”，只有审核通过或已生效的流转单可以集报",
}

var rules = map[model.Rule]string{
	model.RuleRequired:          "{label}不能为空",
	model.RuleTooLong:           "{label}不得超过{max}个字符",
	model.RuleTooMany:           "{label}不得超过{max}项",
	model.RuleTooFew:            "{label}至少需要{min}项",
	model.RuleInvalidUTF8:       "{label}含有无效的字符编码",
	model.RuleControlCharacter:  "{label}第{position}个字符是不可见的控制字符，请删除",
	model.RulePattern:           "{label}格式错误，须为{format}",
	model.RuleUnknownValue:      "{label}的取值无效",
	model.RuleOutOfRange:        "{label}须在{min}至{max}之间",
	model.RuleValueMismatch:     "{label}与重量×单价不符：应约为{expectedFen}分（允许误差{toleranceFen}分）",
	model.RuleSameEnterprise:    "{label}不能是本企业：区内流转须转给另一家企业",
	model.RuleNotRegistered:     "{label}：企业 {enterpriseId} 未在区内登记",
	model.RuleTraceCodeInactive: "{label}：溯源码 {traceCode} 不是有效的溯源码",
	model.RuleTraceCodeOfOther:  "{label}：溯源码 {traceCode} 属于其他企业",
	model.RuleNotOutLeg:         "{label}：单据 {documentId} 不是同类单据的转出单",
	model.RuleLineCountMismatch: "{label}：转入单须接收转出单 {documentId} 的全部 {expected} 行",
	model.RuleLineMismatch:      "{label}：须与转出单 {documentId} 第{lineSeq}行一致（溯源码 {traceCode}，{weightGrams} 克）",
	model.RuleDuplicate:         "{label}“{value}”重复",
	model.RuleNotInCatalogue:    "{label}：标签 {value} 不在标签目录中",
	model.RuleStopBeforeStart:   "{label}须晚于生效时间 {start}",
	model.RuleConditionInvalid:  "{label}无法编译（第{line}行第{column}列）：{detail}",
	model.RuleCostTooHigh:       "{label}过于复杂：估算开销 {cost}，上限 {max}",
	model.RuleInvalid:           "{label}无效",
}

var formats = map[string]string{
	model.FormatHSCode:      "8位或10位数字的商品编码",
	model.FormatCountry:     "两位国家（地区）代码",
	model.FormatCurrency:    "支持的三位币制代码",
	model.FormatSHA256:      "已上传附件的64位十六进制摘要",
	model.FormatDate:        "年-月-日格式的日期（如 2026-03-12）",
	model.FormatPrefilingID: "预核申报编号（PF＋8位日期＋8位数字或大写字母）",
	model.FormatDocumentID:  "本类单据的编号（两位前缀＋8位日期＋8位数字或大写字母）",
	model.FormatTraceCode:   "有效的溯源码（请检查是否输错）",
	model.FormatUSCC:        "18位统一社会信用代码",
	model.FormatRequestID:   "1至64位字母、数字或“._:-”符号",
	model.FormatCertificate: "一个有效的数字证书",
	model.FormatBoolean:     "是或否",
	model.FormatCustomsCode: "10位数字或大写字母的海关编码",
	model.FormatRuleID:      "1至40位字母、数字、“_”或“-”",
	model.FormatTagCode:     "以大写字母开头的2至40位大写字母、数字或“_”",
	model.FormatColour:      "井号加六位十六进制数的颜色（如 #D4380D）",
	model.FormatPeriodID:    "1至32位字母、数字、“_”或“-”",
	model.FormatTime:        "带时区的时间（如 2026-12-01T00:00:00+08:00）",
	model.FormatHSPrefix:    "2至10位数字的商品编码或其前缀",
}

// Reason renders the Chinese sentence of a refusal reason from its params;
// ok is false when the catalogue has no template for it.
func Reason(r model.Reason, params model.Params) (string, bool) {
	t, ok := reasons[r]
	if !ok {
		return "", false
	}
	return render(t, params), true
}

// Problem renders one field problem in Chinese, naming the field by its
// label ("第4行溯源码不能为空").
func Problem(p model.Problem) string {
	t, ok := rules[p.Rule]
	if !ok {
		t = rules[model.RuleInvalid]
	}
	label, _ := Label(p.Field)
	params := model.Params{"label": label}
	for k, v := range p.Params {
		params[k] = v
	}
	return render(t, params)
}

// codeFallback is the sentence of a refusal the catalogue has no template
// for (an older chaincode): its class only, never its English text.
var codeFallback = map[model.Code]string{
	model.CodeInvalid:   "输入校验未通过",
	model.CodeNotFound:  "记录不存在",
	model.CodeForbidden: "无权执行此操作",
	model.CodeConflict:  "当前状态不允许此操作",
	model.CodeDuplicate: "该请求已执行过",
}

// Error renders a whole chaincode refusal: the reason's sentence, followed
// by every problem of a FIELD_INVALID refusal.
func Error(e *model.Error) string {
	text, ok := Reason(e.Reason, e.Params)
	if !ok {
		text = codeFallback[e.Code]
	}
	if len(e.Problems) == 0 {
		return text
	}
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = Problem(p)
	}
	text += "：" + strings.Join(parts, "；")
	if n, err := strconv.Atoi(fmt.Sprint(e.Params[model.ParamProblemCount])); err == nil && n > len(e.Problems) {
		text += fmt.Sprintf("（共%d个问题，仅列出前%d个）", n, len(e.Problems))
	}
	return text
}

var placeholder = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// render fills a template's {param}s; enumerated values (statuses,
// families, roles …) are shown by their Chinese names.
func render(t string, params model.Params) string {
	return placeholder.ReplaceAllStringFunc(t, func(m string) string {
		key := m[1 : len(m)-1]
		v, ok := params[key]
		if !ok { // a detail the chaincode did not send: visible, and caught by the tests
			return m
		}
		return Value(key, v)
	})
}

// Value shows one param value in Chinese: enumerations by their Chinese
// names, everything else (ids, codes, numbers) as it is.
func Value(key string, v any) string {
	s := fmt.Sprint(v)
	var names map[string]string
	switch key {
	case "status":
		names = statusNames
	case "family":
		if info, ok := model.InfoOf(model.Family(s)); ok {
			return info.NameZh
		}
	case "businessType":
		names = businessTypeNames
	case "role":
		names = roleNames
	case "userRole":
		names = userRoleNames
	case "action":
		names = actionNames
	case "objectType":
		names = objectTypeNames
	case "format":
		names = formats
	case "alertKind":
		if zh, ok := model.AlertKindZh[model.AlertKind(s)]; ok {
			return zh
		}
		return "未知"
	case "disposalState":
		if zh, ok := model.DisposalStateZh[model.DisposalState(s)]; ok {
			return zh
		}
		return "未知"
	case "step":
		if zh, ok := model.DisposalActionZh[model.DisposalAction(s)]; ok {
			return zh
		}
		return "未知"
	case "level", "parentLevel":
		names = levelNames
	case "bonded":
		if s == "true" {
			return "保税"
		}
		return "非保税"
	}
	if zh, ok := names[s]; ok {
		return zh
	}
	if names != nil {
		return "未知"
	}
	return s
}

// enumerated are the param keys whose values Value translates.
var enumerated = map[string]bool{"status": true, "family": true, "businessType": true, "role": true,
	"action": true, "objectType": true, "format": true, "bonded": true, "alertKind": true, "disposalState": true, "step": true,
	"level": true, "parentLevel": true}

var latinWord = regexp.MustCompile(`[A-Za-z]{3,}`)

// EnglishWords lists the Latin words of three or more letters in text that
// are not part of a param value shown as it is (ids, codes, names the
// declarant typed). A messageZh built from the catalogue has none; tests
// assert it.
func EnglishWords(text string, params model.Params) []string {
	var shown []string
	for k, v := range params {
		if !enumerated[k] {
			shown = append(shown, fmt.Sprint(v))
		}
	}
	// Longest first, so a number inside an id does not break the id.
	slices.SortFunc(shown, func(a, b string) int { return len(b) - len(a) })
	for _, v := range shown {
		text = strings.ReplaceAll(text, v, " ")
	}
	return latinWord.FindAllString(text, -1)
}

// HasTemplate reports whether the catalogue has a template of its own for
// a rule (others fall back to RuleInvalid's).
func HasTemplate(r model.Rule) bool {
	_, ok := rules[r]
	return ok
}

var statusNames = map[string]string{
	"declared": "已申报", "approved": "审核通过", "returned": "退单", "manual_review": "转人工审核",
	"effective": "已生效", "deletion_requested": "删单申请中", "voided": "已删单",
}

var businessTypeNames = map[string]string{
	"in": "入库/转入", "out": "出库/转出", "entry": "进区", "exit": "出区", "consolidated": "集报",
	"transfer": "区内流转", "conversion": "保税转非保税",
}

var roleNames = map[string]string{"customs": "海关", "zone_admin": "综保区管理", "enterprise": "企业", "auditor": "审计", "": "未登记"}

var userRoleNames = map[string]string{
	model.UserEnterprise: "企业用户", model.UserCustomsOfficer: "海关关员", model.UserCustomsAdmin: "海关管理员",
	model.UserZoneAdmin: "综保区管理员", model.UserAuditor: "审计员",
}

var actionNames = map[string]string{ //nolint:gosec // G101: Chinese names of chaincode functions, no credentials
	"ApplyExternalReceipt": "处理海关回执", "BindIdentity": "绑定证书身份", "ConfirmDeletion": "确认删单",
	"DeclareDocument": "单据申报", "DeclarePrefiling": "预核申报", "DeclareSupplement": "补录入申报",
	"GetBalance": "查询库存", "GetDocument": "查询单据", "GetEnterprise": "查询企业", "GetPrefiling": "查询预核申报",
	"GetTraceCode": "查询溯源码", "RecordGatePass": "登记过卡", "RegisterEnterprise": "企业登记",
	"UpdateEnterprise": "修改企业信息", "SetEnterpriseStatus": "停用或启用企业",
	"AnchorOperationLog": "锚定操作日志", "GetOperationLogAnchors": "查询操作日志锚点",
	"RequestDeletion": "申请删单", "ReviewDeletion": "审核删单", "ReviewDocument": "审核单据",
	"ReviewPrefiling": "审核预核申报", "ReviewSupplement": "审核补录入", "WhoAmI": "查询本人身份",
	"PutRuleConfig": "修改规则配置", "GetRuleConfig": "查询规则配置", "ListRuleVersions": "查询规则配置版本",
	"DryRunRule": "规则试运行", "MarkHighRisk": "标记高风险货物", "AssessRiskAlert": "预警评估定级", "DisposeRiskAlert": "预警处置",
	"CloseRiskAlert": "预警处置办结", "RevokeRiskDisposal": "撤销预警处置", "GetRiskDisposal": "查询预警处置记录", "TagDocument": "手工打标", "UntagDocument": "移除标签",
	"ReleaseReservation": "释放库存占用", "ConsolidateTransfers": "集报流转单",
	"DefinePeriod": "定义核算周期", "ClosePeriod": "结算核算周期",
}

var objectTypeNames = map[string]string{
	model.KeyEnterprise: "企业", model.KeyIdentity: "身份", model.KeyPrefiling: "预核申报", model.KeyTraceCode: "溯源码",
	model.KeyDocument: "单据", model.KeyBalance: "库存", model.KeyMovement: "货物移动",
	model.KeyRequest: "请求", model.KeyRuleConfig: "规则配置", model.KeyRuleConfigHead: "规则配置",
	model.KeyAccountPeriod: "核算周期", model.KeyRiskDisposal: "风险处置记录",
}

// Catalogue is the whole catalogue as data, for a client (the web UI) that
// builds its own messages from codes and details: templates with {param}
// placeholders, the Chinese descriptions of formats, the labels of field
// names and the Chinese names of enumerated param values by param key.
type Catalogue struct {
	Reasons map[model.Reason]string      `json:"reasons"`
	Rules   map[model.Rule]string        `json:"rules"`
	Formats map[string]string            `json:"formats"`
	Labels  map[string]string            `json:"labels"`
	Values  map[string]map[string]string `json:"values"`
}

// Export returns a copy of the catalogue.
func Export() Catalogue {
	families := map[string]string{}
	for _, f := range model.Families {
		info, _ := model.InfoOf(f)
		families[string(f)] = info.NameZh
	}
	return Catalogue{
		Reasons: maps.Clone(reasons), Rules: maps.Clone(rules), Formats: maps.Clone(formats), Labels: maps.Clone(labels),
		Values: map[string]map[string]string{
			"status": maps.Clone(statusNames), "businessType": maps.Clone(businessTypeNames), "role": maps.Clone(roleNames), "userRole": maps.Clone(userRoleNames),
			"action": maps.Clone(actionNames), "objectType": maps.Clone(objectTypeNames), "family": families,
			"bonded": {"true": "保税", "false": "非保税"}, "level": maps.Clone(levelNames), "parentLevel": maps.Clone(levelNames),
		},
	}
}
