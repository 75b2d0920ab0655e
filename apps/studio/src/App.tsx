import { QueryClientProvider } from '@tanstack/react-query';
import { lazy } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useParams } from 'react-router-dom';
import { AuthProvider } from './auth/AuthContext';
import { RequireAuth, RequireRole } from './auth/RequireAuth';
import { Layout } from './components/Layout';
import { ToastProvider } from './components/Toast';
import { queryClient } from './lib/hooks';
import { ContentListPage } from './pages/content/ContentListPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ContentTestsPage } from './pages/analytics/ContentTestsPage';
import { ExplorationSpendPage } from './pages/analytics/ExplorationSpendPage';
import { ModelsPage } from './pages/analytics/ModelsPage';
import { OpePage } from './pages/analytics/OpePage';
import { SurfaceSuccessPage } from './pages/analytics/SurfaceSuccessPage';

// Pages other than the content list and the analytics dashboards (whose tabs an analyst flips between) load on
// demand, so the Studio's first load stays small.
const AccountsPage = lazy(() => import('./pages/admin/AccountsPage').then((m) => ({ default: m.AccountsPage })));
const ApiKeysPage = lazy(() => import('./pages/admin/ApiKeysPage').then((m) => ({ default: m.ApiKeysPage })));
const WebhooksPage = lazy(() => import('./pages/admin/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const AuditLogPage = lazy(() => import('./pages/audit/AuditLogPage').then((m) => ({ default: m.AuditLogPage })));
const CalendarPage = lazy(() => import('./pages/calendar/CalendarPage').then((m) => ({ default: m.CalendarPage })));
const ItemEditorPage = lazy(() => import('./pages/editor/ItemEditorPage').then((m) => ({ default: m.ItemEditorPage })));
const ImportPage = lazy(() => import('./pages/imports/ImportPage').then((m) => ({ default: m.ImportPage })));
const FeedPreviewPage = lazy(() => import('./pages/preview/FeedPreviewPage').then((m) => ({ default: m.FeedPreviewPage })));
const ReleasePage = lazy(() => import('./pages/releases/ReleasePage').then((m) => ({ default: m.ReleasePage })));
const ReleasesListPage = lazy(() => import('./pages/releases/ReleasesListPage').then((m) => ({ default: m.ReleasesListPage })));
const ReviewQueuePage = lazy(() => import('./pages/review/ReviewQueuePage').then((m) => ({ default: m.ReviewQueuePage })));
const SchedulerHealthPage = lazy(() => import('./pages/scheduler/SchedulerHealthPage').then((m) => ({ default: m.SchedulerHealthPage })));
const SurfacePage = lazy(() => import('./pages/surfaces/SurfacePage').then((m) => ({ default: m.SurfacePage })));
const SurfacesListPage = lazy(() => import('./pages/surfaces/SurfacesListPage').then((m) => ({ default: m.SurfacesListPage })));

/** A fresh editor per item: moving from "new" to the created item (or between items) resets its state. */
function EditorRoute() {
  const { id } = useParams();
  return <ItemEditorPage key={id ?? 'new'} />;
}

/** A fresh page per surface: its form starts from that surface's settings. */
function SurfaceRoute() {
  const { key } = useParams();
  return <SurfacePage key={key} />;
}

/** A fresh page per release, like the item editor. */
function ReleaseRoute() {
  const { id } = useParams();
  return <ReleasePage key={id} />;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename="/studio">
        <ToastProvider>
          <AuthProvider>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                element={
                  <RequireAuth>
                    <Layout />
                  </RequireAuth>
                }
              >
                <Route index element={<Navigate to="/content" replace />} />
                <Route path="/content" element={<ContentListPage />} />
                <Route path="/content/new" element={<EditorRoute />} />
                <Route path="/content/:id" element={<EditorRoute />} />
                <Route path="/import" element={<ImportPage />} />
                <Route path="/review" element={<ReviewQueuePage />} />
                <Route path="/releases" element={<ReleasesListPage />} />
                <Route path="/releases/:id" element={<ReleaseRoute />} />
                <Route path="/calendar" element={<CalendarPage />} />
                <Route path="/scheduler" element={<SchedulerHealthPage />} />
                <Route path="/surfaces" element={<SurfacesListPage />} />
                <Route path="/surfaces/:key" element={<SurfaceRoute />} />
                <Route path="/preview" element={<FeedPreviewPage />} />
                <Route path="/analytics" element={<Navigate to="/analytics/content-tests" replace />} />
                <Route path="/analytics/content-tests" element={<ContentTestsPage />} />
                <Route path="/analytics/exploration" element={<ExplorationSpendPage />} />
                <Route path="/analytics/success" element={<SurfaceSuccessPage />} />
                <Route path="/analytics/evaluation" element={<OpePage />} />
                <Route path="/analytics/models" element={<ModelsPage />} />
                <Route path="/audit-log" element={<AuditLogPage />} />
                <Route path="/admin/audit-log" element={<Navigate to="/audit-log" replace />} />
                <Route
                  path="/admin/accounts"
                  element={
                    <RequireRole roles={['ADMIN']}>
                      <AccountsPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/admin/api-keys"
                  element={
                    <RequireRole roles={['ADMIN']}>
                      <ApiKeysPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/admin/webhooks"
                  element={
                    <RequireRole roles={['ADMIN']}>
                      <WebhooksPage />
                    </RequireRole>
                  }
                />
                <Route path="/admin" element={<Navigate to="/admin/accounts" replace />} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </AuthProvider>
        </ToastProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
