// The pages. Hash URLs (#/dashboard): the page loads from / whether the binary serves it or
// `popreg serve --web-root` does (which answers only files), and a reload keeps the page.
import type { RouteRecordRaw } from 'vue-router'
import type { Action } from './policy'

declare module 'vue-router' {
  interface RouteMeta {
    /** Open without signing in. */
    public?: boolean
    /** Allowed while the user must still change a given password. */
    passwordOnly?: boolean
    /** The action the page needs (app/policy.ts); absent: every signed-in user. */
    action?: Action
    /** The i18n key of the page's title (the document title). */
    title?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/signin',
    name: 'signin',
    component: () => import('@/features/session/SignInPage.vue'),
    meta: { public: true, title: 'signIn.title' },
  },
  {
    path: '/password',
    name: 'password',
    component: () => import('@/features/session/ForcedPasswordPage.vue'),
    meta: { passwordOnly: true, title: 'password.forcedTitle' },
  },
  {
    path: '/',
    component: () => import('./AppLayout.vue'),
    children: [
      { path: '', name: 'home', component: { render: () => null } },
      {
        path: 'dashboard',
        name: 'dashboard',
        component: () => import('@/features/reports/dashboard/DashboardPage.vue'),
        meta: { action: 'read', title: 'nav.dashboard' },
      },
      {
        path: 'worklist',
        name: 'worklist',
        component: () => import('@/features/worklist/WorklistPage.vue'),
        meta: { action: 'read', title: 'nav.worklist' },
      },
      {
        path: 'items/:id(\\d+)',
        name: 'item',
        component: () => import('@/features/item/ItemPage.vue'),
        meta: { action: 'read', title: 'worklist.title' },
      },
      {
        path: 'households/:card',
        name: 'household',
        component: () => import('@/features/household/HouseholdPage.vue'),
        meta: { action: 'read', title: 'household.cardHeading' },
      },
      {
        path: 'imports',
        name: 'imports',
        component: () => import('@/features/imports/ImportsPage.vue'),
        meta: { action: 'import', title: 'nav.imports' },
      },
      {
        path: 'comparisons',
        name: 'comparisons',
        component: () => import('@/features/comparisons/ComparisonsPage.vue'),
        meta: { action: 'compare', title: 'nav.comparisons' },
      },
      {
        path: 'incomplete',
        name: 'incomplete',
        component: () => import('@/features/incomplete/IncompletePage.vue'),
        meta: { action: 'read', title: 'nav.incomplete' },
      },
      {
        path: 'statistics',
        name: 'statistics',
        component: () => import('@/features/statistics/StatisticsPage.vue'),
        meta: { action: 'read', title: 'nav.statistics' },
      },
      {
        path: 'progress',
        name: 'progress',
        component: () => import('@/features/progress/ProgressPage.vue'),
        meta: { action: 'read', title: 'nav.progress' },
      },
      {
        path: 'books',
        name: 'books',
        component: () => import('@/features/books/BooksPage.vue'),
        meta: { action: 'export', title: 'nav.books' },
      },
      {
        path: 'campaigns',
        name: 'campaigns',
        component: () => import('@/features/progress/CampaignsPage.vue'),
        meta: { action: 'campaigns', title: 'nav.campaigns' },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('@/features/users/UsersPage.vue'),
        meta: { action: 'manage_users', title: 'nav.users' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('@/features/audit/AuditPage.vue'),
        meta: { action: 'read_audit', title: 'nav.audit' },
      },
      {
        path: 'account',
        name: 'account',
        component: () => import('@/features/session/AccountPage.vue'),
        meta: { title: 'nav.account' },
      },
    ],
  },
  { path: '/:rest(.*)*', redirect: { name: 'home' } },
]
