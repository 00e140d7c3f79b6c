// Files the server writes (reports, books) and files made in the browser from what the server
// answered (the rejects of an import), saved to the user's computer. A download is fetched
// rather than followed as a link, so that a refusal or a missing report is said in words on the
// page (an ApiError) instead of replacing the page with the server's JSON.
import { withQuery, type Query } from '@/api/client'
import { ApiError, errorFromBody } from '@/api/errors'

/** The file name of a Content-Disposition header (RFC 6266: filename* first), or null. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (star?.[2]) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''))
    } catch {
      // not percent-encoded after all: try the plain filename
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header)
  const name = plain?.[2] ?? plain?.[1]
  return name ? name.trim() : null
}

/** One CSV cell: quoted when it holds a comma, a quote, a line break or leading/trailing space;
 * a cell a spreadsheet would read as a formula (=, +, -, @ first) is prefixed with '. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A CSV file's text (CRLF lines, a UTF-8 byte order mark so that Excel reads the Chinese). */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [columns, ...rows].map((r) => r.map(csvCell).join(','))
  return `\uFEFF${lines.join('\r\n')}\r\n`
}

/** Saves a Blob as a file named `name` (a link clicked, then forgotten). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export interface Downloaded {
  name: string
  size: number
  type: string
}

/** GETs `path` (same origin, the session's cookie) and saves what it answers under the
 * server's file name (or `fallbackName`). Throws the server's ApiError when it refuses. */
export async function downloadFile(
  path: string,
  query: Query | undefined,
  fallbackName: string,
  fetchFn: typeof fetch = (...args) => globalThis.fetch(...args),
): Promise<Downloaded> {
  let response: Response
  try {
    response = await fetchFn(withQuery(path, query), { credentials: 'same-origin', cache: 'no-store' })
  } catch (e) {
    throw new ApiError(0, 'network', '', { cause: String(e) })
  }
  if (!response.ok) {
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      // not the API's JSON (a proxy's page): errorFromBody says bad_response
    }
    throw errorFromBody(response.status, body)
  }
  const blob = await response.blob()
  const name = filenameFromDisposition(response.headers.get('Content-Disposition')) ?? fallbackName
  saveBlob(blob, name)
  return { name, size: blob.size, type: blob.type }
}
