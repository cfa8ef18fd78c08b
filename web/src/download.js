// saveBlob hands a fetched file (Excel template, export) to the browser as a
// download: the endpoints need the bearer token, so a plain link cannot.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
