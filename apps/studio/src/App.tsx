import { BrowserRouter, Navigate, Route, Routes, useParams } from 'react-router-dom';
import { AuthProvider } from './auth/AuthContext';
import { RequireAuth, RequireRole } from './auth/RequireAuth';
import { Layout } from './components/Layout';
import { ToastProvider } from './components/Toast';
import { AccountsPage } from './pages/admin/AccountsPage';
import { ApiKeysPage } from './pages/admin/ApiKeysPage';
import { ContentListPage } from './pages/content/ContentListPage';
import { ItemEditorPage } from './pages/editor/ItemEditorPage';
import { ImportPage } from './pages/imports/ImportPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';

/** A fresh editor per item: moving from "new" to the created item (or between items) resets its state. */
function EditorRoute() {
  const { id } = useParams();
  return <ItemEditorPage key={id ?? 'new'} />;
}

export function App() {
  return (
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
              <Route
                path="/admin/accounts"
                element={
                  <RequireRole roles={['admin']}>
                    <AccountsPage />
                  </RequireRole>
                }
              />
              <Route
                path="/admin/api-keys"
                element={
                  <RequireRole roles={['admin']}>
                    <ApiKeysPage />
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
  );
}
