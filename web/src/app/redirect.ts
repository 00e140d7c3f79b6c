/** A page to go back to after signing in: one of our own paths, never another site nor the
 * sign-in pages themselves. */
export function safeRedirect(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return null
  if (value.startsWith('/signin') || value.startsWith('/password')) return null
  return value
}
