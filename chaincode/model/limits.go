package model

import (
	"regexp"
	"slices"
	"strings"
)

// Upper bounds of every declared value. They keep a single record far below
// Fabric's message limits and catch unit mistakes (tonnes typed as grams).
// The chaincode refuses what breaks them and the gateway's draft checks call
// the same checks (check*.go), so the two can never disagree.
const (
	// MaxTextLength bounds a single-line text field, in characters.
	MaxTextLength = 200
	// MaxNoteLength bounds a multi-line note, review opinion or reason.
	MaxNoteLength = 1000
	// MaxReceiptNoteLength bounds the note of an external customs receipt,
	// which quotes customs' own remarks.
	MaxReceiptNoteLength = 4000
	// MaxCustomsCodeLength is the length of a customs registration code (海关编码).
	MaxCustomsCodeLength = 10
	MaxWeightGrams       = 1_000_000_000_000 // one million tonnes
	MaxPriceFen          = 10_000_000_000    // 100 million per kilogram
	// MaxValueFen bounds a line's total value (10^16 of the currency).
	MaxValueFen    = 1_000_000_000_000_000_000
	MaxPackages    = 100_000_000
	MaxAttachments = 20
	// MaxAttachmentBytes bounds an anchored file; the gateway's upload limit
	// (ZT_MAX_BODY) stays below it.
	MaxAttachmentBytes = 1 << 30
	MaxShelfLifeDays   = 3650
	// MaxLines bounds one document; a consolidated declaration of a busy
	// month stays well below it.
	MaxLines = 5000
)

// Named formats of the PATTERN rule: the "format" parameter of a problem
// says which one a value failed, so messages can explain it.
const (
	FormatHSCode      = "HS_CODE"
	FormatCountry     = "ISO_COUNTRY"
	FormatCurrency    = "ISO_CURRENCY"
	FormatSHA256      = "SHA256"
	FormatDate        = "DATE"
	FormatPrefilingID = "PREFILING_ID"
	FormatDocumentID  = "DOCUMENT_ID"
	FormatTraceCode   = "TRACE_CODE"
	FormatUSCC        = "USCC"
	FormatRequestID   = "REQUEST_ID"
	FormatCertificate = "CERTIFICATE_PEM"
	FormatBoolean     = "BOOLEAN"
	FormatCustomsCode = "CUSTOMS_CODE"
)

// Formats lists every named format, for catalogues.
var Formats = []string{FormatHSCode, FormatCountry, FormatCurrency, FormatSHA256, FormatDate, FormatPrefilingID,
	FormatDocumentID, FormatTraceCode, FormatUSCC, FormatRequestID, FormatCertificate, FormatBoolean, FormatCustomsCode,
	FormatRuleID, FormatTagCode, FormatColour, FormatTime, FormatPeriodID, FormatHSPrefix}

var (
	// HSCodePattern is a customs commodity code: 8 or 10 digits.
	HSCodePattern = regexp.MustCompile(`^[0-9]{8}([0-9]{2})?$`)
	// SHA256Pattern is a hex SHA-256 as attachments are anchored by.
	SHA256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// PrefilingIDPattern is "PF", the declaration date yyyymmdd and 8
	// characters of [0-9A-Z].
	PrefilingIDPattern = regexp.MustCompile(`^PF[0-9]{8}[0-9A-Z]{8}$`)
	// DocumentIDPattern is a family prefix (FamilyInfo.Prefix), the
	// declaration date yyyymmdd and 8 characters of [0-9A-Z].
	DocumentIDPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{8}[0-9A-Z]{8}$`)
	// USCCPattern is a unified social credit code (统一社会信用代码): 18
	// characters of digits and upper-case letters except I, O, Z, S, V.
	USCCPattern = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$`)
	// CustomsCodePattern is an enterprise's customs registration code
	// (海关编码): 10 digits or upper-case letters.
	CustomsCodePattern = regexp.MustCompile(`^[0-9A-Z]{10}$`)
	// RequestIDPattern is a client request id (the gateway's idempotency key).
	RequestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)
)

// Countries is ISO 3166-1 alpha-2 (officially assigned codes).
var Countries = strings.Fields(`
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`)

// Currencies are the ISO 4217 codes accepted for prices: the yuan and the
// currencies coffee is commonly invoiced in.
var Currencies = strings.Fields(`CNY USD EUR GBP JPY HKD CHF AUD CAD SGD BRL COP ETB KES VND IDR`)

// AttachmentKinds lists the accepted attachment kinds.
var AttachmentKinds = []string{AttachmentOriginCertificate, AttachmentQuarantineCertificate, AttachmentOther}

// Review decisions: of customs on a prefiling or supplement, on a document
// reviewed on this platform, and on a deletion. The second list of each pair
// names the decisions that need a reason.
var (
	PrefilingDecisions = []string{"approve", "return"}
	DocumentDecisions  = []string{"approve", "return", "manual_review"}
	DeletionDecisions  = []string{"approve", "reject"}
	ReturnNeedsReason  = []string{"return"}
	RejectNeedsReason  = []string{"reject"}
)

// IsCountry reports whether code is an assigned ISO 3166-1 alpha-2 code.
func IsCountry(code string) bool { return slices.Contains(Countries, code) }

// IsCurrency reports whether code is an accepted currency.
func IsCurrency(code string) bool { return slices.Contains(Currencies, code) }

// ReceiptMessageTypes are the national receipts the ledger applies
// (CUSTOMS_MESSAGES.md): checklist, warehouse receipt and gate registration
// (a gate pass of type 5, 卡口登记货物: SAS221) approvals, the checklist's
// entry generation (INV202) and ledger posting (INV211), the warehouse
// receipt's and gate pass's change and data-sync receipts (SAS212, SAS213,
// SAS222), the gate crossing (SAS223) and the inspection disposal at the
// gate (SAS224).
var ReceiptMessageTypes = []string{"INV201", "INV202", "INV211", "SAS211", "SAS212", "SAS213",
	"SAS221", "SAS222", "SAS223", "SAS224"}

// CorrectionMessageTypes are the approval receipts that also answer a change
// (变更) or deletion (删除/作废) declaration made in customs' own system.
var CorrectionMessageTypes = []string{"INV201", "SAS211", "SAS221"}
