// Whether a CSS media query matches now (reactive), e.g. the phone layout below 768 px.
import { onScopeDispose, ref, type Ref } from 'vue'

export function useMediaQuery(query: string): Ref<boolean> {
  const mql = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null
  const matches = ref(mql?.matches ?? false)
  const update = (e: MediaQueryListEvent) => {
    matches.value = e.matches
  }
  mql?.addEventListener('change', update)
  onScopeDispose(() => mql?.removeEventListener('change', update))
  return matches
}
