// Element Plus, whole, for the signed-in app. It is loaded on the first
// navigation past the login page (main.js), so the login page — the first
// load of every visit — carries only the few components it imports itself.
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'

export default function installElementPlus(app) {
  app.use(ElementPlus, { locale: zhCn })
}
