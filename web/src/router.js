// Routes and role guards. History mode: the gateway answers index.html for
// every non-API path, so deep links and reloads work.
import { createRouter, createWebHistory } from 'vue-router'
import { session, isLoggedIn } from './api/session.js'
import { setUnauthenticatedHandler } from './api/client.js'

const CUSTOMS = ['customs_officer', 'customs_admin']
const READERS = [...CUSTOMS, 'zone_admin', 'auditor']
const AUDITORS = READERS
const RULE_READERS = [...CUSTOMS, 'zone_admin']
// The supervision cockpit: the whole zone's figures, so not for enterprises.
const COCKPIT = [...CUSTOMS, 'zone_admin']

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  // The wall screen: full window, no menu (its own watermark).
  { path: '/cockpit/screen', name: 'cockpit-screen', component: () => import('./views/cockpit/CockpitView.vue'), props: { screen: true }, meta: { roles: COCKPIT, title: '监管驾驶舱大屏' } },
  {
    path: '/',
    component: () => import('./components/AppLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homeFor(session.user?.role) },
      { path: 'drafts', name: 'drafts', component: () => import('./views/DraftListView.vue'), meta: { roles: ['enterprise'], title: '预核草稿' } },
      { path: 'drafts/new', name: 'draft-new', component: () => import('./views/DraftFormView.vue'), meta: { roles: ['enterprise'], title: '新增预核草稿' } },
      { path: 'drafts/:id/edit', name: 'draft-edit', component: () => import('./views/DraftFormView.vue'), meta: { roles: ['enterprise'], title: '编辑预核草稿' } },
      { path: 'prefilings', name: 'prefilings', component: () => import('./views/PrefilingListView.vue'), meta: { roles: ['enterprise', ...READERS], title: '预核申报' } },
      { path: 'cockpit', name: 'cockpit', component: () => import('./views/cockpit/CockpitView.vue'), meta: { roles: COCKPIT, title: '监管驾驶舱' } },
      { path: 'work-queue', name: 'work-queue', component: () => import('./views/WorkQueueView.vue'), meta: { roles: CUSTOMS, title: '工作台' } },
      { path: 'review-queue', name: 'review-queue', component: () => import('./views/PrefilingListView.vue'), props: { queue: true }, meta: { roles: CUSTOMS, title: '审核队列' } },
      { path: 'prefilings/:id', name: 'prefiling', component: () => import('./views/PrefilingDetailView.vue'), meta: { roles: ['enterprise', ...READERS], title: '预核详情' } },
      { path: 'enterprises', name: 'enterprises', component: () => import('./views/EnterprisesView.vue'), meta: { roles: READERS, title: '企业管理' } },
      { path: 'users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { roles: ['zone_admin'], title: '用户管理' } },
      { path: 'doc-drafts/:family', name: 'doc-drafts', component: () => import('./views/DocDraftListView.vue'), meta: { roles: ['enterprise'], title: '单证草单' } },
      { path: 'doc-drafts/:family/new', name: 'doc-draft-new', component: () => import('./views/DocDraftFormView.vue'), meta: { roles: ['enterprise'], title: '新增草单', viewKey: 'doc-draft-form' } },
      { path: 'doc-draft/:id', name: 'doc-draft-edit', component: () => import('./views/DocDraftFormView.vue'), meta: { roles: ['enterprise'], title: '编辑草单', viewKey: 'doc-draft-form' } },
      { path: 'transfers/incoming', name: 'incoming', component: () => import('./views/IncomingTransfersView.vue'), meta: { roles: ['enterprise'], title: '待确认流转' } },
      { path: 'documents', name: 'documents', component: () => import('./views/DocumentListView.vue'), meta: { roles: ['enterprise', ...READERS], title: '单证查询' } },
      { path: 'documents/:id', name: 'document', component: () => import('./views/DocumentDetailView.vue'), meta: { roles: ['enterprise', ...READERS], title: '单证详情' } },
      { path: 'national-messages', name: 'national-messages', component: () => import('./views/NationalMessagesView.vue'), meta: { roles: ['enterprise', ...CUSTOMS], title: '海关报文' } },
      { path: 'receipts', name: 'receipts', component: () => import('./views/ReceiptsView.vue'), meta: { roles: ['enterprise'], title: '回执' } },
      { path: 'webhook', name: 'webhook', component: () => import('./views/WebhookView.vue'), meta: { roles: ['enterprise'], title: '推送设置' } },
      { path: 'notification-settings', name: 'notification-settings', component: () => import('./views/NotificationSettingsView.vue'), meta: { roles: ['enterprise', ...READERS], title: '通知设置' } },
      { path: 'gates', name: 'gates', component: () => import('./views/gates/GatesView.vue'), meta: { roles: ['zone_admin', ...CUSTOMS], title: '卡口车辆' } },
      { path: 'operation-log', name: 'operation-log', component: () => import('./views/OperationLogView.vue'), meta: { roles: ['zone_admin', 'auditor'], title: '操作日志' } },
      { path: 'accounts/entries', name: 'account-entries', component: () => import('./views/accounts/MovementsView.vue'), props: { title: '进出区记录', flows: ['entry', 'exit'] }, meta: { roles: ['enterprise', ...READERS], title: '进出区记录' } },
      { path: 'accounts/stock', name: 'account-stock', component: () => import('./views/accounts/StockView.vue'), meta: { roles: ['enterprise', ...READERS], title: '区内库存' } },
      { path: 'accounts/transfers', name: 'account-transfers', component: () => import('./views/accounts/MovementsView.vue'), props: { title: '区内流转', flows: ['transfer_in', 'transfer_out'] }, meta: { roles: ['enterprise', ...READERS], title: '区内流转' } },
      { path: 'accounts/conversions', name: 'account-conversions', component: () => import('./views/accounts/MovementsView.vue'), props: { title: '保税转非保', flows: ['conversion_out', 'conversion_in'] }, meta: { roles: ['enterprise', ...READERS], title: '保税转非保' } },
      { path: 'accounts/pass-through', name: 'account-pass-through', component: () => import('./views/accounts/PassThroughView.vue'), meta: { roles: ['enterprise', ...READERS], title: '穿行货物' } },
      { path: 'accounts/periods', name: 'account-periods', component: () => import('./views/accounts/PeriodsView.vue'), meta: { roles: ['enterprise', ...READERS], title: '周期核算' } },
      { path: 'accounts/movements', name: 'account-movements', component: () => import('./views/accounts/MovementsView.vue'), props: { title: '核算明细' }, meta: { roles: ['enterprise', ...READERS], title: '核算明细' } },
      // 基础数据 (docs/api.md "Basic data"): every role queries; supervisors read the sync log.
      ...[['suppliers', 'suppliers', '供应商关系'], ['enterprises', 'enterprises', '企业信息'], ['hs-codes', 'hs_codes', '商品编码'],
        ['account-books', 'account_books', '账册'], ['declarations', 'declarations', '报关单']].map(([path, dataset, title]) => (
        { path: 'basic-data/' + path, name: 'basic-data-' + path, component: () => import('./views/basicdata/BasicDataView.vue'), props: { dataset }, meta: { roles: ['enterprise', ...READERS], title } })),
      { path: 'basic-data/syncs', name: 'basic-data-syncs', component: () => import('./views/basicdata/BasicDataSyncsView.vue'), meta: { roles: READERS, title: '同步记录' } },
      { path: 'exporters', name: 'exporters', component: () => import('./views/exporters/ExportersView.vue'), meta: { roles: CUSTOMS, title: '境外出口商备案' } },
      { path: 'exporter-claims', name: 'exporter-claims', component: () => import('./views/exporters/ExporterClaimsView.vue'), meta: { roles: ['enterprise', ...CUSTOMS], title: '出口商备案核对' } },
      { path: 'warehouses', name: 'warehouses', component: () => import('./views/warehouses/WarehousesView.vue'), meta: { roles: ['enterprise', ...RULE_READERS], title: '仓储对账' } },
      { path: 'balances', name: 'balances', component: () => import('./views/BalancesView.vue'), meta: { roles: ['enterprise', ...READERS], title: '库存' } },
      { path: 'audit/verify', name: 'audit-verify', component: () => import('./views/audit/VerifyView.vue'), meta: { roles: AUDITORS, title: '账本校验' } },
      { path: 'audit/explorer', name: 'audit-explorer', component: () => import('./views/audit/ExplorerView.vue'), meta: { roles: AUDITORS, title: '区块浏览器' } },
      { path: 'audit/search', name: 'audit-search', component: () => import('./views/audit/SearchView.vue'), meta: { roles: AUDITORS, title: '区块浏览器搜索' } },
      { path: 'audit/blocks/:number', name: 'audit-block', component: () => import('./views/audit/BlockView.vue'), meta: { roles: AUDITORS, title: '区块详情' } },
      { path: 'audit/tx/:txId', name: 'audit-tx', component: () => import('./views/audit/TxView.vue'), meta: { roles: AUDITORS, title: '交易详情' } },
      { path: 'audit/bundle', name: 'audit-bundle', component: () => import('./views/audit/BundleView.vue'), meta: { roles: ['auditor'], title: '证据包' } },
      { path: 'rules/review', name: 'rules-review', component: () => import('./views/rules/ReviewRulesView.vue'), meta: { roles: RULE_READERS, title: '审核规则' } },
      { path: 'rules/tags', name: 'rules-tags', component: () => import('./views/rules/TagCatalogueView.vue'), meta: { roles: RULE_READERS, title: '标签目录' } },
      { path: 'rules/models', name: 'rules-models', component: () => import('./views/rules/ModelParamsView.vue'), meta: { roles: RULE_READERS, title: '校验模型参数' } },
      { path: 'rules/risk', name: 'rules-risk', component: () => import('./views/rules/RiskParamsView.vue'), meta: { roles: CUSTOMS, title: '风险预警参数' } },
      { path: 'rules/versions', name: 'rules-versions', component: () => import('./views/rules/RuleVersionsView.vue'), meta: { roles: RULE_READERS, title: '规则版本历史' } },
      { path: 'rules/versions/:version', name: 'rules-version', component: () => import('./views/rules/RuleVersionView.vue'), meta: { roles: RULE_READERS, title: '规则配置版本' } },
      { path: 'alerts', name: 'alerts', component: () => import('./views/alerts/AlertListView.vue'), meta: { roles: CUSTOMS, title: '风险预警' } },
      { path: 'alert-analysis', name: 'alert-analysis', component: () => import('./views/alerts/AlertAnalysisView.vue'), meta: { roles: CUSTOMS, title: '预警分析' } },
      { path: 'alerts/:id', name: 'alert', component: () => import('./views/alerts/AlertDetailView.vue'), meta: { roles: CUSTOMS, title: '风险预警详情' } },
      { path: 'materials/:materialNo', name: 'material', component: () => import('./views/MaterialView.vue'), meta: { roles: ['enterprise', ...READERS], title: '料号' } },
      { path: 'traces', name: 'traces', component: () => import('./views/TraceSearchView.vue'), meta: { roles: ['enterprise', ...READERS], title: '溯源查询' } },
      { path: 'trace/:code/history', name: 'trace-history', component: () => import('./views/TraceHistoryView.vue'), meta: { roles: ['enterprise', ...READERS], title: '溯源全程' } },
      { path: 't/:code', name: 'trace', component: () => import('./views/TraceView.vue'), meta: { title: '溯源码' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在' } },
    ],
  },
]

/** homeFor is the landing page of a role. */
export function homeFor(role) {
  if (role === 'enterprise') return { name: 'drafts' }
  if (CUSTOMS.includes(role)) return { name: 'review-queue' }
  if (role === 'zone_admin') return { name: 'enterprises' }
  return { name: 'prefilings' }
}

export const router = createRouter({ history: createWebHistory('/'), routes })

router.beforeEach((to) => {
  if (to.meta.public) return true
  if (!isLoggedIn()) return { name: 'login', query: { redirect: to.fullPath } }
  const roles = to.meta.roles
  if (roles && !roles.includes(session.user?.role)) return homeFor(session.user?.role)
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '综保区咖啡贸易监管溯源平台'
})

setUnauthenticatedHandler(() => {
  const here = router.currentRoute.value
  if (here.name !== 'login') router.replace({ name: 'login', query: { redirect: here.fullPath } })
})
