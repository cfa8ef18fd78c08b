import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import './style.css'

const app = createApp(App).use(router)

// Element Plus (and its stylesheet) comes in its own chunk when the first
// signed-in page is about to show; the login page does without it.
let elementPlus
router.beforeEach(async (to) => {
  if (to.meta.public) return true
  elementPlus ||= import('./elementPlus.js').then((m) => m.default(app))
  await elementPlus
  return true
})

app.mount('#app')
