// usePagedList is the state of one paged list: fetch(page) reads a page
// ({ items, total, … }); load reloads the current page, search goes back
// to the first one (new filters). A failed read shows its error and keeps
// the page shown before.
import { ref } from 'vue'
import { showError } from './notify.js'

export function usePagedList(fetch, empty = { items: [], total: 0 }) {
  const page = ref(1)
  const data = ref(empty)
  const loading = ref(false)
  async function load() {
    loading.value = true
    try {
      data.value = await fetch(page.value)
    } catch (e) {
      showError(e)
    } finally {
      loading.value = false
    }
  }
  function search() {
    page.value = 1
    return load()
  }
  return { page, data, loading, load, search }
}
